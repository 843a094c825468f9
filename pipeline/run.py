"""Before and after a batch: schema, reference data, discovery, run record, withdrawals, summary."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from loaders.checkpoints import checkpoint
from loaders.db import exclusive, get_engine, upgrade, writer
from loaders.notices import regroup_notices
from loaders.organizations import stored_names, sync_organizations
from loaders.parts import replace_parts
from loaders.runs import (
    INTERRUPTED,
    finish_run,
    last_run_params,
    last_run_status,
    mark_dead_runs,
    new_load_id,
    start_run,
)
from loaders.store import FileInfo, mark_withdrawn, sync_categories
from normalizers import NORMALIZER_VERSION
from normalizers.categories import category_table
from normalizers.orgs.store_plan import registry_plan
from pipeline.config import Settings, load_settings
from pipeline.discover import discover
from pipeline.fetch.parts import find_parts
from pipeline.process import (
    FileOutcome,
    TransientError,
    look_up,
    settled_outcome,
    transient_failure,
    triage,
)
from pipeline.report import RunSummary, organization_count, render_text, summarize
from pipeline.stages import run_file

SETTLED_CHUNK = 500  # files hashed and looked up at a time by ``settled_run`` (one store query each)


def prepare_store(settings: Settings) -> None:
    """Schema, categories; runs whose process died marked interrupted; the registry synced when its
    version changed or the last run ended before its own sync (lookup rows repaired, see ``finish``)."""
    upgrade(settings.db)
    engine = get_engine(settings.db)
    sync_categories(engine, category_table())
    mark_dead_runs(engine)
    if (last_run_params(engine).get("registry_synced") != NORMALIZER_VERSION
            or last_run_status(engine) == INTERRUPTED):
        sync_registry(settings)
    # a store loaded before notice identity (0124): grouped once; a run in progress groups at its end.
    # OperationalError: the store is busy (a run is writing): that run's finish groups them
    with contextlib.suppress(OperationalError):
        regroup_notices(writer(get_engine(settings.db)), backfill=True)


def sync_registry(settings: Settings) -> None:
    """The organization registry into the store, one process at a time (its upserts read, then write)."""
    engine = get_engine(settings.db)
    with exclusive(engine, "organizations"):
        store_registry(writer(engine))


def store_registry(engine: Engine) -> dict[str, int]:
    """The registry plan (bodies, successor links, descriptions) over the names stored, written."""
    return sync_organizations(engine, registry_plan(stored_names(engine)))


def prepare(settings: Settings, sources: Sequence[str]) -> tuple[str, list[Path]]:
    """Schema, reference data (the registry only when its version changed since the last run), files."""
    prepare_store(settings)
    files = [absolute(f) for f in discover(sources)]
    return _start(settings, sources), files


@contextmanager
def settled_heap() -> Iterator[None]:
    """Exempt what is alive when the work begins (modules, Prefect's client, the ORM, the registry)
    from the garbage collector's full passes while it runs: it outlives the work, yet every full
    pass scanned it again, about 0.4 s a pass in the flow process (400,000 objects), a pass a batch.
    Collectable again afterwards, however the block ends."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _start(settings: Settings, sources: Sequence[str]) -> str:
    """A new run record; its load id."""
    load_id = new_load_id()
    start_run(get_engine(settings.db), load_id, {"sources": list(sources), **settings.as_dict(),
                                                 "registry_synced": NORMALIZER_VERSION})
    return load_id


def absolute(path: str | Path) -> Path:
    """One spelling per file (absolute, ``..`` resolved lexically): the key of its store row and ids."""
    return Path(os.path.abspath(path))  # noqa: PTH100 - lexical, as documented: Path.resolve follows symlinks


def finish(settings: Settings, load_id: str, sources: Sequence[str], outcomes: list[FileOutcome],
           seconds: float, organizations_before: int | None = None) -> RunSummary:
    """Withdrawals, organization links, the summary (organizations added since ``organizations_before``)."""
    checkpoint("run.finish")  # crash tests: a kill after the last file loaded, before this sync
    engine = get_engine(settings.db)
    present = {o.path for o in outcomes}
    withdrawn = []
    for src in sources:
        if Path(src).is_dir():
            withdrawn += mark_withdrawn(engine, present, under=str(absolute(src)) + os.sep)
    record_parts(engine, sorted(present))
    regroup_notices(writer(engine), force=bool(withdrawn))  # which files are one notice (loaders.notices)
    if any(o.state in ("loaded", "off_topic") for o in outcomes):
        sync_registry(settings)  # links and descriptions for bodies met in this run
    added = 0 if organizations_before is None else organization_count(engine) - organizations_before
    summary = summarize(load_id, outcomes, len(withdrawn), seconds, added)
    finish_run(engine, load_id, summary.status, summary.model_dump())
    return summary


def record_parts(engine: Engine, paths: list[str]) -> int:
    """Link attachments (附件) to their notice file, folder by folder (pipeline.fetch.parts)."""
    links = find_parts([Path(p) for p in paths])
    # a writer engine (BEGIN IMMEDIATE on SQLite): a read that turns into a write while another run writes
    # cannot wait for the lock, and the run failed with "database is locked"
    return replace_parts(writer(engine), paths, {str(a): (str(n), pos, label) for a, (n, pos, label) in links.items()})


def settled_run(settings: Settings, sources: Sequence[str]) -> RunSummary | None:
    """The whole run when it would analyse no file — every file readable and settled in the store
    for its content and the current code: recorded like any run (withdrawals included), each file
    hashed once. None, with nothing recorded, when some file needs work (or with ``force``)."""
    if settings.force:
        return None
    started = time.perf_counter()
    prepare_store(settings)
    files, outcomes = [absolute(f) for f in discover(sources)], []
    for start in range(0, len(files), SETTLED_CHUNK):  # a folder with new files is known from its first chunk
        identified, stored = look_up(files[start:start + SETTLED_CHUNK], settings)
        known = [i for i in identified if isinstance(i, FileInfo) and i.path in stored]
        if len(known) != len(identified):
            return None
        outcomes += [settled_outcome(i, stored[i.path]) for i in known]
    return finish(settings, _start(settings, sources), sources, outcomes, time.perf_counter() - started)


def run_batch(settings: Settings, sources: Sequence[str]) -> RunSummary:
    """The ingest without Prefect: serial, same stages (tests, benchmarks, crash and concurrency checks)."""
    started = time.perf_counter()
    load_id, files = prepare(settings, sources)
    with settled_heap():
        outcomes = [item if isinstance(item, FileOutcome) else _process_or_report(item, settings, load_id)
                    for item in triage(files, settings, load_id)]
    return finish(settings, load_id, sources, outcomes, time.perf_counter() - started)


def _process_or_report(info: FileInfo, settings: Settings, load_id: str) -> FileOutcome:
    """Without a task runner to retry it, a transient failure is reported; the next run retries it."""
    try:
        return run_file(info, settings, load_id)
    except TransientError as exc:
        return transient_failure(info.path, info.name, exc)


def main(argv: Sequence[str]) -> int:
    """``python -m pipeline.run DB SOURCE...``: one plain batch run; exit 1 on failures only if QMETL_STRICT."""
    settings = load_settings(db=argv[0])
    summary = run_batch(settings, list(argv[1:]))
    print(render_text(summary))
    return 1 if settings.strict and summary.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
