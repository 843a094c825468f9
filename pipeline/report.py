"""Run summaries: counts per state, activities, organizations added, unresolved names, time per stage;
and the run's progress display (a rich bar on a terminal, plain log lines otherwise)."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from loaders.models import Organization
from pipeline.process import FileOutcome

STAGES = ("read", "structure", "normalize", "load")
# set by `qmetl run`, which prints the run summary once, after the flow; else the flow logs its first line
SUMMARY_PRINTED_BY_CLI = False


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
    """The run summary a person reads once: counts, time, then one line per failed or flagged file
    with its reason and code said once. Time per stage stays in the markdown artifact and the runs
    table: a cached or unchanged file did not spend the time its analysis once took."""
    extra = [f"{n} {label}" for n, label in ((s.off_topic, "off-topic"), (s.withdrawn, "withdrawn")) if n]
    again = f" ({s.still_failed} unchanged since they failed)" if s.still_failed else ""
    out = (f"run {s.load_id}: {s.files} files — {s.loaded} loaded, {s.skipped} unchanged, {s.failed} failed"
           f"{again}{''.join(', ' + e for e in extra)}; {s.seconds:.1f} s")
    if s.loaded:
        out += (f"\n  loaded: {s.activities} activities, {s.outline_items} outline items, "
                f"{s.organizations_added} organizations added")
    if s.unresolved:
        names = list(s.unresolved)
        more = f" … (+{len(names) - 20})" if len(names) > 20 else ""
        out += f"\n  unresolved organizer names ({len(names)}): " + "、".join(names[:20]) + more
    for f in s.failures:
        out += f"\n  {'flagged' if f['code'] == 'notice.off_topic' else 'failed'} {f['file']}: {failure_reason(f)}"
    return out


def failure_reason(f: dict[str, str]) -> str:
    """Reason (code), then the message when it says more than the reason; the code appears once."""
    code, reason = f.get("code", ""), f.get("reason", "")
    message = f.get("message", "").replace(f"[{code}]", "").strip()
    text = f"{reason} ({code})" if reason else code
    return f"{text}: {message}" if message and message not in reason else text


def describe(o: FileOutcome) -> str:
    if o.error is not None:
        return f"{o.state} {o.name}: " + failure_reason({"code": o.error.code, "reason": o.reason or "",
                                                         "message": o.error.message})
    if o.state == "loaded":
        return f"loaded {o.name}: {o.activities} activities, {o.outline_items} outline items"
    return f"{o.state} {o.name}"


class PagesPerSecond(ProgressColumn):
    """Pages of the documents done so far per second of the run."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        pages = float(task.fields.get("pages", 0))
        return Text(f"{pages / elapsed:.1f} pages/s" if elapsed > 0 else "– pages/s", style="progress.data.speed")


def progress_columns() -> tuple[ProgressColumn, ...]:
    """files done/total, pages/s, elapsed and ETA: one live bar for the run."""
    return (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            PagesPerSecond(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())


class RunProgress:
    """One live progress bar for the run when stderr is a terminal, log lines printed above it;
    otherwise (a pipe, a log file) one log line per finished file and no bar."""

    def __init__(self, total: int, log: Callable[[str], None], bar: bool | None = None,
                 console: Console | None = None) -> None:
        self.total, self.done, self.pages, self.log = total, 0, 0, log
        self.bar = sys.stderr.isatty() if bar is None else bar
        self.console = console
        self._progress: Progress | None = None
        self._task: Any = None
        self._swapped: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> RunProgress:
        if self.bar and self.total:
            self._progress = Progress(*progress_columns(), console=self.console or Console(stderr=True),
                                      transient=True, redirect_stderr=True, redirect_stdout=False)
            self._progress.__enter__()
            self._task = self._progress.add_task("documents", total=self.total, pages=0)
            self._route_logs(self._progress.console)
        return self

    def _route_logs(self, console: Console) -> None:
        """Log handlers that hold their own stream (Prefect's rich console handler, stream handlers on
        stderr) print through the bar's console while it shows, so each line lands above the bar."""
        loggers = [logging.getLogger()] + [lg for lg in logging.Logger.manager.loggerDict.values()
                                           if isinstance(lg, logging.Logger)]
        for handler in {h for lg in loggers for h in lg.handlers}:
            held = getattr(handler, "console", None)
            if isinstance(held, Console) and held.file is sys.__stderr__:
                self._swapped.append((handler, "console", held))
                handler.console = console  # type: ignore[attr-defined]
            elif isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                self._swapped.append((handler, "stream", handler.stream))
                handler.stream = console.file

    def advance(self, outcome: FileOutcome) -> None:
        self.done += 1
        self.pages += outcome.pages
        if self._progress is not None:
            self._progress.update(self._task, advance=1, pages=self.pages, description=outcome.name[:40])
            if outcome.error is not None:
                self._progress.console.print(describe(outcome), markup=False, highlight=False)
        else:
            self.log(f"[{self.done}/{self.total}] {describe(outcome)}")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for handler, attr, held in reversed(self._swapped):
            setattr(handler, attr, held)
        self._swapped.clear()
        if self._progress is not None:
            self._progress.__exit__(kind, exc, tb)
