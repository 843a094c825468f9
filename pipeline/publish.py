"""What an ingest flow run tells Prefect besides its logs: events for automations, and artifacts.

Events, about the resource ``qmetl.run.<load id>``:
- ``qmetl.run.started`` once the files are known (payload: files, sources);
- ``qmetl.run.finished`` with the summary's counts as payload and the label ``qmetl.status``:
  ``success``, or ``failed`` when a file failed, so an automation can match failed runs
  (e.g. notify someone) without reading the payload.
Artifacts: ``qmetl-run-summary`` (markdown) and ``qmetl-run-files`` (a table, one row per file).

The start event is sent from the flow, before any task runs. Prefect's events client connects on
the first event it sends, and its connection (socket, timers) keeps the context it was made in for
the rest of the process. Made inside the first task run, that context held the task run's result,
a whole batch of analyses, alive until the end: one batch more for every full garbage collection
of the run to scan (bench/NOTES.md). Apart from that, each queued event carries a copy of its
sender's context until the events worker has sent it, so the last tasks' parameters and results
outlive them by that moment (tests/test_prefect_server.py counts once it has passed).
"""

from __future__ import annotations

from collections.abc import Sequence

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.events import emit_event

from pipeline.process import FileOutcome
from pipeline.report import RunSummary, file_rows, render_markdown

COUNTS = ("files", "loaded", "skipped", "failed", "still_failed", "off_topic", "withdrawn", "activities",
          "outline_items", "organizations_added")


def run_resource(load_id: str) -> dict[str, str]:
    return {"prefect.resource.id": f"qmetl.run.{load_id}", "prefect.resource.name": f"qmetl run {load_id}"}


def run_started(load_id: str, files: int, sources: Sequence[str]) -> None:
    emit_event(event="qmetl.run.started", resource=run_resource(load_id),
               payload={"files": files, "sources": list(sources)})


def run_finished(summary: RunSummary, outcomes: list[FileOutcome]) -> None:
    """The finished event and the run's artifacts."""
    emit_event(event="qmetl.run.finished", resource={**run_resource(summary.load_id), "qmetl.status": summary.status},
               payload={**summary.model_dump(include=set(COUNTS)), "seconds": round(summary.seconds, 2)})
    create_markdown_artifact(render_markdown(summary), key="qmetl-run-summary",
                             description=f"qmetl run {summary.load_id}")
    if outcomes:
        create_table_artifact(file_rows(outcomes), key="qmetl-run-files",
                              description=f"files of qmetl run {summary.load_id}")
