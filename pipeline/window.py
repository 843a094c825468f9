"""How the ingest flow keeps its task runner busy: the files to analyse cut into batches, which task
runner, how many batches are in flight ahead of the loader, and each batch's results (or its
files' failures when it crashed). The flow's tasks (flows.py) are handed in."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from loaders.names import storable
from pipeline.analyze import Analysis, code_fingerprint, process_pool
from pipeline.batches import crashed_analysis, plan_batches
from pipeline.config import Settings
from pipeline.process import FileOutcome, triage

Batch = list[tuple[str, str]]  # (path, sha256) of each file, in file order


def analyse_and_load(cfg: Settings, files: list[Path], load_id: str, logger: Any, analyze_batch: Any,
                     load_batch: Callable[[list[Analysis], str, dict[str, Any], str], list[FileOutcome]],
                     ) -> Iterator[FileOutcome]:
    """Triage every file (skip settled ones, guards), analyse the rest in batches on the task runner
    (the ``analyze_batch`` task), and load each batch in file order (``load_batch``)."""
    todo: Batch = []
    for item in triage(files, cfg, load_id):  # one store query for all the files
        if isinstance(item, FileOutcome):
            yield item
        else:
            todo.append((item.path, item.sha256))
    batches = plan_batches(todo, cfg.workers, cfg.batch_size)
    if not batches:
        return
    logger.info("%d files to analyse in %d batches", len(todo), len(batches))
    fingerprint = code_fingerprint() if cfg.cache else ""
    pool_size = cfg.workers if cfg.executor == "processes" and not cfg.dask_address else 0
    with process_pool(pool_size), build_task_runner(cfg) as runner:
        def submit(i: int, label: str) -> PrefectFuture[Any]:
            params = {"files": batches[i], "label": label, "settings": cfg.as_dict(), "fingerprint": fingerprint}
            return runner.submit(analyze_batch, params)

        for label, analyses in in_window(batches, window_size(cfg), submit, logger):
            # quote: Prefect would otherwise walk every parsed notice looking for futures (~30 ms a file)
            yield from load_batch(cast(list[Analysis], quote(analyses)), label, cfg.as_dict(), load_id)


def build_task_runner(cfg: Settings) -> TaskRunner[Any]:
    """Threads on this machine (``--executor processes`` adds a process pool under them, see
    ``pipeline.analyze.process_pool``), or the Dask cluster at ``dask_address``."""
    if cfg.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=cfg.dask_address)
    return ThreadPoolTaskRunner(max_workers=cfg.workers)


def window_size(cfg: Settings) -> int:
    """Batches submitted ahead of the loader, the one it is about to load included. When analyses run
    outside this process (worker processes, a Dask cluster) every worker stays busy while it loads;
    in threads, which share its GIL, it loads while no analysis runs: two CPU-bound threads took
    10-30% longer than one doing the same work in turn (bench/NOTES.md)."""
    if cfg.dask_address:
        return 16
    return cfg.workers + 1 if cfg.executor == "processes" and cfg.workers >= 2 else cfg.workers


def in_window(batches: list[Batch], window: int, submit: Callable[[int, str], PrefectFuture[Any]],
              logger: Any) -> Iterator[tuple[str, list[Analysis]]]:
    """Each batch's label and analyses, in order. ``submit(i, label)`` starts batch ``i``'s task when
    the loader asks for the next one, so at most ``window`` batches are in flight while it loads the last."""
    labels = [label(i, len(batches), b) for i, b in enumerate(batches, 1)]
    pending: deque[tuple[int, PrefectFuture[Any]]] = deque()

    def ready() -> tuple[str, list[Analysis]]:
        j, future = pending.popleft()
        return labels[j], results(future, batches[j], logger)

    for i in range(len(batches)):
        pending.append((i, submit(i, labels[i])))
        if len(pending) >= window:
            yield ready()
    while pending:
        yield ready()


def label(number: int, total: int, batch: Batch) -> str:
    return f"batch {number}/{total} ({len(batch)} files from {storable(Path(batch[0][0]).name)})"


def results(future: PrefectFuture[Any], batch: Batch, logger: Any) -> list[Analysis]:
    """The batch's analyses, or each file's recorded failure when the whole task crashed (a lost Dask
    worker, a bug): the night's run goes on, and the next run tries these files again."""
    try:
        result = future.result()
    except Exception as exc:  # recorded as each file's failure, with the reason
        logger.error("analysis batch of %d files from %s crashed: %s: %s", len(batch), batch[0][0],
                     type(exc).__name__, exc)
        return [crashed_analysis(path, sha, exc) for path, sha in batch]
    if not isinstance(result, list) or not all(isinstance(a, Analysis) for a in result):
        raise TypeError(f"analysis batch from {batch[0][0]} returned {type(result).__name__}, expected Analyses")
    return result
