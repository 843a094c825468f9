"""Prefect overhead: the same documents through the flow and through the stage functions in a loop.

Three ways, interleaved per round so a busy spell of this VM slows all three alike; the best round
of each counts:
- direct: ``bench/direct.py``, the stage functions in a plain loop (no Prefect);
- flow, temporary server: ``qmetl run`` as a one-off command, Prefect starting and stopping its
  temporary API server (no PREFECT_API_URL);
- flow, running server: ``qmetl run`` against a ``prefect server start`` already up, as scheduled
  runs (``qmetl serve``) have it; the server gets a throwaway PREFECT_HOME.
Each store's run record gives the time inside the run (discovery to summary) and the time in the
stage functions (the per-file timings). Wall time minus stage time is what the flow adds around
the same work (start-up, orchestration, shut-down); minus the loop's own, over the loop's wall time,
it is Prefect's cost ("prefect_cost"), free of the VM's speed swings on the stage code itself.
"paired_overhead" compares each flow with the loop of its own round (median over rounds): the VM's
slow spells last minutes, so a round's three runs share more of them than the best of each do.

    python bench/overhead.py DIR [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import PY, qmetl, run_child  # noqa: E402
from pipeline.prefect_server import free_port, healthy  # noqa: E402

QUIET = {"PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


@contextmanager
def prefect_server(home: Path, timeout: float = 180.0) -> Iterator[str]:
    """A ``prefect server start`` on a free port with its own PREFECT_HOME; yields its API URL."""
    port = free_port()
    env = {**os.environ, **QUIET, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(url, proc, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server start exited with {proc.returncode}")
        if healthy(url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"prefect server at {url} not healthy after {timeout:.0f} s")


def run_seconds(db: str) -> tuple[float, float]:
    """Seconds inside the newest run of the store at ``db`` and, of those, in the stage functions
    (read, structure, normalize, load: the run record's per-file timings summed)."""
    with create_engine(db).connect() as conn:
        raw = conn.execute(text("SELECT summary FROM runs ORDER BY started_at DESC LIMIT 1")).scalar_one()
    summary = json.loads(raw) if isinstance(raw, str) else raw
    return float(summary["seconds"]), float(sum(summary["stage_seconds"].values()))


def one_round(gen: Path, tmp: Path, api_url: str, n: int) -> dict[str, dict[str, float]]:
    """direct, flow with a temporary server, flow with the running server: wall and in-run seconds."""
    flow = qmetl("run", "--raw", str(gen), "--no-cache", "--db")
    commands = {
        "direct": ([PY, str(ROOT / "bench" / "direct.py"), str(gen), "--db"], {}),
        "flow_temporary_server": (flow, {**QUIET, "PREFECT_API_URL": ""}),
        "flow_running_server": (flow, {**QUIET, "PREFECT_API_URL": api_url}),
    }
    out: dict[str, dict[str, float]] = {}
    for name, (command, env) in commands.items():
        db = f"sqlite:///{tmp}/{name}-{n}.db"
        child = run_child([*command, db], env=env)
        if child.returncode != 0:
            raise RuntimeError(f"{name} failed ({child.returncode}): {child.tail}")
        in_run, stages = run_seconds(db)
        out[name] = {"seconds": child.seconds, "in_run_seconds": round(in_run, 2), "stage_seconds": round(stages, 2)}
        print(f"  round {n} {name}: {child.seconds:.1f} s (in the run {in_run:.1f} s, in the stages {stages:.1f} s)",
              flush=True)
    for k in ("flow_temporary_server", "flow_running_server"):
        out[k]["prefect_cost"] = round(_outside(out[k]) - _outside(out["direct"]), 2)
    return out


def _outside(r: dict[str, float]) -> float:
    """Wall seconds outside the stage functions (start-up, orchestration, discovery, shut-down)."""
    return r["seconds"] - r["stage_seconds"]


def measure(gen: Path, rounds: int = 3) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="qmetl-overhead-"))
    docs = sum(1 for p in gen.iterdir() if p.is_file())
    with prefect_server(tmp / "prefect-home") as api_url:
        runs = [one_round(gen, tmp, api_url, n) for n in range(1, rounds + 1)]
    best = {k: min(runs, key=lambda r: r[k]["seconds"])[k] for k in runs[0]}
    direct = best["direct"]
    result: dict[str, object] = {"docs": docs, "rounds": runs, "best": best}
    for k in ("flow_temporary_server", "flow_running_server"):
        result[f"overhead_{k}"] = round(best[k]["seconds"] / direct["seconds"] - 1, 3)
        result[f"in_run_overhead_{k}"] = round(best[k]["in_run_seconds"] / direct["in_run_seconds"] - 1, 3)
        costs = sorted(r[k]["prefect_cost"] / r["direct"]["seconds"] for r in runs)
        result[f"prefect_cost_{k}"] = round(costs[len(costs) // 2], 3)  # median over rounds
        paired = sorted(r[k]["seconds"] / r["direct"]["seconds"] - 1 for r in runs)  # each against its round's loop
        result[f"paired_overhead_{k}"] = round(paired[len(paired) // 2], 3)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gen", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(json.dumps(measure(args.gen, args.rounds), indent=1))


if __name__ == "__main__":
    main()
