"""Measurements the benchmark is made of: stage timings, bare pdfplumber, runs in a child process.

Each scaling figure comes from a child process (``qmetl run`` or a direct loop) started by a
fresh interpreter that reads RUSAGE_CHILDREN afterwards, so the peak resident memory is that
configuration's alone.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class ChildRun:
    command: list[str]
    seconds: float
    peak_rss_mb: float
    returncode: int
    tail: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class StageTotals:
    files: int = 0
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def pages_per_second(self) -> dict[str, float]:
        out = {stage: self.pages / s for stage, s in self.seconds.items() if s > 0}
        total = sum(self.seconds.values())
        out["end_to_end"] = self.pages / total if total else 0.0
        return {k: round(v, 1) for k, v in out.items()}


def machine() -> dict[str, object]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def run_child(command: list[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run ``command`` under a fresh interpreter: wall time and the peak RSS of it and its descendants."""
    probe = (
        "import json,os,resource,subprocess,sys,time;"
        "t=time.perf_counter();p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
        "print(json.dumps({'s':time.perf_counter()-t,'rss':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,"
        "'rc':p.returncode,'tail':(p.stdout+p.stderr)[-800:]}))"
    )
    proc = subprocess.run([sys.executable, "-c", probe, *command], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, check=True)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return ChildRun(command, round(data["s"], 2), round(data["rss"], 1), data["rc"], data["tail"])


def stage_totals(files: list[Path]) -> dict[str, StageTotals]:
    """Every file through process_file into a throwaway store; timings grouped by kind of input."""
    from pipeline.config import Settings
    from pipeline.process import process_file

    groups: dict[str, StageTotals] = defaultdict(StageTotals)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=f"sqlite:///{tmp}/bench.db", quarantine=f"{tmp}/q", force=True)
        from pipeline.run import prepare_store

        prepare_store(settings)
        for f in files:
            outcome = process_file(str(f), settings, "bench")
            group = groups[kind(f)]
            group.files += 1
            group.pages += outcome.pages
            for stage, s in outcome.timings.items():
                group.seconds[stage] += s
    return dict(groups)


def kind(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        return "scan_pdf" if "_scan" in path.stem else "text_pdf"
    return path.suffix.lower().lstrip(".")


def bare_pdfplumber(files: list[Path]) -> tuple[int, float]:
    """Pages and seconds for pdfplumber alone: open, touch ``page.chars`` on every page."""
    import pdfplumber

    pages, started = 0, time.perf_counter()
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                _ = page.chars
                pages += 1
    return pages, time.perf_counter() - started
