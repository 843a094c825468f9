"""Measurements the benchmark is made of: stage timings, bare pdfplumber, runs in a child process.

Each scaling figure comes from a child process (``qmetl run`` or a direct loop); its peak memory is
the largest sum of resident memory over the child and all its descendants (worker processes,
Prefect's temporary server), sampled while it runs.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def qmetl(*args: str) -> list[str]:
    """The command line of ``qmetl ARGS`` in this interpreter (flows.py is the CLI's entry point)."""
    return [PY, str(ROOT / "flows.py"), *args]


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


def run_child(command: list[str], env: dict[str, str] | None = None, every: float = 0.2) -> ChildRun:
    """Run ``command``: wall time, and the peak of the summed resident memory of it and all its
    descendants (worker processes, Prefect's temporary server), sampled every ``every`` seconds."""
    import psutil

    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak = 0
    root = psutil.Process(proc.pid)
    with tempfile.TemporaryFile("w+") as sink:
        pump = threading.Thread(target=lambda: sink.write(proc.stdout.read()), daemon=True)  # type: ignore[union-attr]
        pump.start()
        while proc.poll() is None:
            peak = max(peak, _tree_rss(root))
            time.sleep(every)
        pump.join()
        sink.seek(0)
        tail = sink.read()[-800:]
    return ChildRun(command, round(time.perf_counter() - started, 2), round(peak / 2**20, 1), proc.returncode, tail)


def _tree_rss(root: object) -> int:
    import psutil

    total = 0
    try:
        procs = [root, *root.children(recursive=True)]  # type: ignore[attr-defined]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def stage_totals(files: list[Path], repeat: int = 1) -> dict[str, StageTotals]:
    """Every file through process_file into a throwaway store, after one untimed warm-up file (jieba's
    dictionary, imports); per file the fastest of ``repeat`` passes; timings grouped by kind of input."""
    from pipeline.config import Settings
    from pipeline.process import process_file
    from pipeline.run import prepare_store

    groups: dict[str, StageTotals] = defaultdict(StageTotals)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=f"sqlite:///{tmp}/bench.db", quarantine=f"{tmp}/q", force=True)
        prepare_store(settings)
        process_file(str(files[0]), settings, "warm-up")
        for f in files:
            runs = [process_file(str(f), settings, "bench") for _ in range(repeat if "_scan" not in f.stem else 1)]
            outcome = min(runs, key=lambda o: sum(o.timings.values()))
            group = groups[kind(f)]
            group.files += 1
            group.pages += outcome.pages
            for stage, sec in outcome.timings.items():
                group.seconds[stage] += sec
    return dict(groups)


def kind(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        return "scan_pdf" if "_scan" in path.stem else "text_pdf"
    return path.suffix.lower().lstrip(".")


def bare_pdfplumber(files: list[Path], repeat: int = 1) -> tuple[int, float]:
    """Pages and seconds for pdfplumber alone: open, touch ``page.chars`` on every page (per file the
    fastest of ``repeat`` passes)."""
    import pdfplumber

    pages, seconds = 0, 0.0
    for f in files:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            with pdfplumber.open(f) as pdf:
                n = sum(1 for page in pdf.pages if page.chars is not None)
            best = min(best, time.perf_counter() - started)
        pages, seconds = pages + n, seconds + best
    return pages, seconds
