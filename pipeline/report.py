"""Run summaries: counts per state, activities, organizations added, unresolved names, time per stage;
and the run's progress display (a rich bar on a terminal, plain log lines otherwise)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loaders.models import Organization
from pipeline.process import FileOutcome

STAGES = ("read", "structure", "normalize", "load")


class RunSummary(BaseModel):
    load_id: str
    files: int = Field(default=0, description="files seen (discovered, listed)")
    loaded: int = 0
    skipped: int = Field(default=0, description="unchanged since the last load, or older than --since")
    failed: int = 0
    still_failed: int = Field(default=0, description="failed before, unchanged since: not retried")
    off_topic: int = 0
    withdrawn: int = 0
    activities: int = 0
    outline_items: int = 0
    pages: int = 0
    organizations_added: int = 0
    unresolved: dict[str, int] = Field(default_factory=dict)
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    failures: list[dict[str, str]] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def status(self) -> str:
        """The run's status in the runs table and its events: ``failed`` when a file failed, else ``success``."""
        return "failed" if self.failed else "success"


def organization_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Organization)) or 0)


def summarize(load_id: str, outcomes: list[FileOutcome], withdrawn: int, seconds: float,
              organizations_added: int = 0) -> RunSummary:
    states = Counter(o.state for o in outcomes)
    stages: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    for o in outcomes:
        stages.update(o.timings)
        unresolved.update(o.unresolved)
    ordered = [s for s in STAGES if s in stages] + sorted(set(stages) - set(STAGES))
    return RunSummary(
        load_id=load_id, files=len(outcomes), loaded=states["loaded"], skipped=states["skipped"],
        failed=states["failed"], still_failed=sum(1 for o in outcomes if o.unchanged and o.state == "failed"),
        off_topic=states["off_topic"], withdrawn=withdrawn, activities=sum(o.activities for o in outcomes),
        outline_items=sum(o.outline_items for o in outcomes), pages=sum(o.pages for o in outcomes),
        organizations_added=organizations_added,
        unresolved=dict(sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0]))),
        stage_seconds={k: round(stages[k], 3) for k in ordered},
        failures=[{"file": o.name, "code": o.error.code, "reason": o.reason or "", "message": o.error.message}
                  for o in outcomes if o.error],
        seconds=round(seconds, 2),
    )


def file_rows(outcomes: list[FileOutcome]) -> list[dict[str, Any]]:
    """One row per file for the run's table artifact."""
    return [
        {"file": o.name, "state": o.state, "pages": o.pages, "activities": o.activities,
         "outline items": o.outline_items, "unresolved": len(o.unresolved),
         "seconds": round(sum(o.timings.values()), 3), "error": f"[{o.error.code}] {o.error.message}" if o.error else ""}
        for o in outcomes
    ]


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(s: RunSummary) -> str:
    lines = [
        f"# qmetl run {s.load_id}",
        "",
        "| files seen | loaded | skipped | failed | off-topic | withdrawn | activities | outline items "
        "| organizations added | pages | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {s.files} | {s.loaded} | {s.skipped} | {s.failed} | {s.off_topic} | {s.withdrawn} | {s.activities} | "
        f"{s.outline_items} | {s.organizations_added} | {s.pages} | {s.seconds} |",
        "",
        "Time per stage (s): " + (", ".join(f"{k} {v}" for k, v in s.stage_seconds.items()) or "none"),
    ]
    if s.failures:
        lines += ["", "## Failures and flags", "", "| file | code | reason | message |", "|---|---|---|---|"]
        lines += [f"| {_cell(f['file'])} | {_cell(f['code'])} | {_cell(f['reason'])} | {_cell(f.get('message', ''))} |"
                  for f in s.failures]
    if s.unresolved:
        lines += ["", f"## Unresolved organizer names ({len(s.unresolved)})", ""]
        lines += [f"- {name} ({n})" for name, n in list(s.unresolved.items())[:50]]
    return "\n".join(lines) + "\n"


def render_text(s: RunSummary) -> str:
    out = (f"run {s.load_id}: {s.files} files — {s.loaded} loaded, {s.skipped} skipped, {s.failed} failed "
           f"({s.still_failed} unchanged since they failed), {s.off_topic} off-topic, {s.withdrawn} withdrawn; "
           f"{s.activities} activities, {s.outline_items} outline items, {s.organizations_added} organizations "
           f"added; {s.seconds}s")
    if s.stage_seconds:
        out += "\n  time per stage (s): " + ", ".join(f"{k} {v}" for k, v in s.stage_seconds.items())
    if s.unresolved:
        names = list(s.unresolved)
        more = f" … (+{len(names) - 20})" if len(names) > 20 else ""
        out += f"\n  unresolved organizer names ({len(names)}): " + "、".join(names[:20]) + more
    for f in s.failures:
        out += f"\n  {'FLAGGED' if f['code'] == 'notice.off_topic' else 'FAILED'} {f['file']}: {f['reason']} " \
               f"[{f['code']}] {f.get('message', '')}"
    return out


def describe(o: FileOutcome) -> str:
    if o.error is not None:
        return f"{o.state} {o.name}: [{o.error.code}] {o.reason or o.error.message}"
    if o.state == "loaded":
        return f"loaded {o.name}: {o.activities} activities, {o.outline_items} outline items"
    return f"{o.state} {o.name}"


class RunProgress:
    """A rich progress bar when stderr is a terminal; otherwise one log line per finished file."""

    def __init__(self, total: int, log: Callable[[str], None], bar: bool | None = None) -> None:
        self.total, self.done, self.log = total, 0, log
        self.bar = sys.stderr.isatty() if bar is None else bar
        self._progress: Progress | None = None
        self._task: Any = None

    def __enter__(self) -> RunProgress:
        if self.bar and self.total:
            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._progress.__enter__()
            self._task = self._progress.add_task("documents", total=self.total)
        return self

    def advance(self, outcome: FileOutcome) -> None:
        self.done += 1
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=outcome.name[:40])
            if outcome.error is not None:
                self._progress.console.print(describe(outcome), markup=False, highlight=False)
        else:
            self.log(f"[{self.done}/{self.total}] {describe(outcome)}")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.__exit__(kind, exc, tb)
