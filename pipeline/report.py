"""Run summaries: counts per state, activities, unresolved names, time per stage."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from pipeline.process import FileOutcome


class RunSummary(BaseModel):
    load_id: str
    files: int = 0
    loaded: int = 0
    skipped: int = 0
    failed: int = 0
    still_failed: int = Field(default=0, description="failed before, unchanged since: not retried")
    off_topic: int = 0
    withdrawn: int = 0
    activities: int = 0
    outline_items: int = 0
    pages: int = 0
    unresolved: dict[str, int] = Field(default_factory=dict)
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    failures: list[dict[str, str]] = Field(default_factory=list)
    seconds: float = 0.0


def summarize(load_id: str, outcomes: list[FileOutcome], withdrawn: int, seconds: float) -> RunSummary:
    states = Counter(o.state for o in outcomes)
    stages: Counter[str] = Counter()
    unresolved: Counter[str] = Counter()
    for o in outcomes:
        stages.update(o.timings)
        unresolved.update(o.unresolved)
    return RunSummary(
        load_id=load_id, files=len(outcomes), loaded=states["loaded"], skipped=states["skipped"],
        failed=states["failed"], still_failed=sum(1 for o in outcomes if o.unchanged and o.state == "failed"),
        off_topic=states["off_topic"], withdrawn=withdrawn, activities=sum(o.activities for o in outcomes),
        outline_items=sum(o.outline_items for o in outcomes), pages=sum(o.pages for o in outcomes),
        unresolved=dict(unresolved.most_common()), stage_seconds={k: round(v, 3) for k, v in stages.items()},
        failures=[{"file": o.name, "code": o.error.code, "reason": o.reason or "", "message": o.error.message}
                  for o in outcomes if o.error],
        seconds=round(seconds, 2),
    )


def render_markdown(s: RunSummary) -> str:
    lines = [
        f"# qmetl run {s.load_id}",
        "",
        "| files | loaded | skipped | failed | off-topic | withdrawn | activities | outline items | pages | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {s.files} | {s.loaded} | {s.skipped} | {s.failed} | {s.off_topic} | {s.withdrawn} | {s.activities} | "
        f"{s.outline_items} | {s.pages} | {s.seconds} |",
        "",
        "Time per stage (s): " + ", ".join(f"{k} {v}" for k, v in s.stage_seconds.items()),
    ]
    if s.failures:
        lines += ["", "## Failures and flags", "", "| file | code | reason | message |", "|---|---|---|---|"]
        lines += [f"| {f['file']} | {f['code']} | {f['reason']} | {f.get('message', '')} |" for f in s.failures]
    if s.unresolved:
        lines += ["", "## Unresolved organizer names", ""]
        lines += [f"- {name} ({n})" for name, n in list(s.unresolved.items())[:50]]
    return "\n".join(lines) + "\n"


def render_text(s: RunSummary) -> str:
    out = (f"run {s.load_id}: {s.files} files — {s.loaded} loaded, {s.skipped} skipped, {s.failed} failed "
           f"({s.still_failed} unchanged since they failed), "
           f"{s.off_topic} off-topic, {s.withdrawn} withdrawn; {s.activities} activities, {s.outline_items} outline items; {s.seconds}s")
    for f in s.failures:
        out += f"\n  {'FLAGGED' if f['code'] == 'notice.off_topic' else 'FAILED'} {f['file']}: {f['reason']} " \
               f"[{f['code']}] {f.get('message', '')}"
    return out
