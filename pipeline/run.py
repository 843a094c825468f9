"""Before and after a batch: schema, reference data, discovery, run record, withdrawals, summary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from loaders.db import get_engine, upgrade
from loaders.organizations import sync_organizations
from loaders.runs import finish_run, new_load_id, start_run
from loaders.store import mark_withdrawn, sync_categories
from normalizers.categories import category_table
from normalizers.orgs import load_registry
from pipeline.config import Settings
from pipeline.discover import discover
from pipeline.process import FileOutcome
from pipeline.report import RunSummary, summarize


def prepare_store(settings: Settings) -> None:
    upgrade(settings.db)
    sync_categories(get_engine(settings.db), category_table())
    sync_organizations(get_engine(settings.db), load_registry())


def prepare(settings: Settings, sources: Sequence[str]) -> tuple[str, list[Path]]:
    prepare_store(settings)
    files = discover(sources)
    load_id = new_load_id()
    start_run(get_engine(settings.db), load_id, {"sources": list(sources), **settings.as_dict()})
    return load_id, files


def finish(settings: Settings, load_id: str, sources: Sequence[str], outcomes: list[FileOutcome],
           seconds: float) -> RunSummary:
    engine = get_engine(settings.db)
    present = {o.path for o in outcomes}
    withdrawn = []
    for src in sources:
        if Path(src).is_dir():
            withdrawn += mark_withdrawn(engine, present, under=str(Path(src)) + "/")
    summary = summarize(load_id, outcomes, len(withdrawn), seconds)
    status = "failed" if summary.failed else "success"
    finish_run(engine, load_id, status, summary.model_dump())
    return summary
