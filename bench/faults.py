"""Fault trials of `qmetl run` (issue 25): kill -9 at random points, SIGTERM and SIGINT. Not a timed test.

    PYTHONPATH=. python bench/faults.py [--trials 20] [--signals 2] [--db sqlite|postgresql|both] [--seed 25]

The run is the real command (`qmetl run`: Prefect flow, temporary API server, analysis workers)
on a few corpus files. A clean run gives the reference: the export (SPEC §4) and the lookup
tables (organizations, their links, row counts of every table). Then, per trial, on a fresh store:

- kill -9: the run is killed at a random moment in the early, middle or late third of the clean
  run's time (a fixed seed), or at a fault point (inside a document's transaction; after the last
  file loaded, before the lookup sync). Every process the run started (found by a marker in
  their environment) must be gone within 10 s; a rerun must then give the reference export and
  lookups, leave no run "running" and no process behind.
- SIGTERM / SIGINT: sent while files are being analysed; the run must stop within 10 s with
  exit status 143 / 130, its run row "interrupted", no process behind.

Prints one line per trial and the totals (`FAULTS kill9=20/20 ...`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import faultpoints  # noqa: E402
from loaders.procs import alive  # noqa: E402

FILES = ("jiangsu_2010_provincial.docx", "suzhou_2020_municipal.docx", "tianjin_2020_provincial.html",
         "xiangcheng_2017_district.docx", "cmqa_2020_industry.docx")
MARK = "QMETL_FAULT_TRIAL"
CLI = 'import sys; sys.argv[0] = "qmetl"; from flows import cli; cli()'
GONE_WITHIN_S = 10.0
STOP_WITHIN_S = 10.0
FAULT_POINTS = ("load.mid:2", "run.finish:1")  # inside a document's transaction; after the last load


@dataclass
class Reference:
    export: dict[str, bytes]
    lookups: dict[str, object]
    seconds: float


@dataclass
class Trial:
    kind: str
    at: str
    ok: bool
    notes: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        figs = " ".join(f"{k}={v:.2f}" for k, v in self.figures.items())
        return f"{'ok  ' if self.ok else 'FAIL'} {self.kind:<7} {self.at:<16} {figs} {'; '.join(self.notes)}".rstrip()


def marked(marker: str) -> list[int]:
    """Live processes whose environment carries ``marker`` (the run and everything it started)."""
    needle = f"{MARK}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in env.split(b"\0") and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def wait_gone(marker: str, within: float) -> tuple[list[int], float]:
    start = time.monotonic()
    while True:
        left = marked(marker)
        if not left or time.monotonic() - start > within:
            return left, time.monotonic() - start
        time.sleep(0.1)


def _env(marker: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({MARK: marker, "PYTHONPATH": str(ROOT)})
    return env


def start_run(url: str, src: Path, marker: str, work: Path, fault: str | None = None) -> subprocess.Popen[bytes]:
    """The real ``qmetl run`` in a child; with ``fault`` (``POINT:N``) it is killed at that checkpoint."""
    args = ["run", "--raw", str(src), "--db", url, "--no-cache"]
    command = faultpoints.argv(fault, "qmetl", *args) if fault else [sys.executable, "-c", CLI, *args]
    log = (work / f"{marker}.log").open("wb")  # noqa: SIM115 - the child writes it; closed with the process
    proc = subprocess.Popen(command, cwd=work, env=_env(marker), stdout=log, stderr=subprocess.STDOUT)
    _started.append(proc)
    return proc


_started: list[subprocess.Popen[bytes]] = []  # stopped if this script is interrupted


def _stop_started() -> None:
    for proc in _started:
        if proc.poll() is None:
            proc.kill()


def complete_run(url: str, src: Path, work: Path, timeout: float = 900) -> tuple[int, float, str]:
    marker = uuid.uuid4().hex[:10]
    start = time.monotonic()
    proc = start_run(url, src, marker, work)
    code = proc.wait(timeout)
    return code, time.monotonic() - start, (work / f"{marker}.log").read_text(errors="replace")[-2000:]


_store_lock = threading.Lock()  # the engine cache is shared by the trials' threads (close_engines)


def snapshot(url: str, out: Path) -> tuple[dict[str, bytes], dict[str, object]]:
    with _store_lock:
        return _snapshot(url, out)


def _snapshot(url: str, out: Path) -> tuple[dict[str, bytes], dict[str, object]]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from loaders.db import close_engines, get_engine
    from loaders.digest import table_digests
    from loaders.export import export_json
    from loaders.models import Organization, OrganizationLink

    engine = get_engine(url)
    shutil.rmtree(out, ignore_errors=True)
    export_json(engine, out)
    with Session(engine) as s:
        lookups: dict[str, object] = {
            "organizations": sorted(s.scalars(select(Organization.name))),
            "organization_links": s.scalar(select(func.count()).select_from(OrganizationLink)),
        }
    lookups["rows"] = {t: n for t, (n, _) in table_digests(engine).items()}
    exported = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    close_engines()
    return exported, lookups


def run_states(url: str) -> dict[str, int]:
    with _store_lock:
        return _run_states(url)


def _run_states(url: str) -> dict[str, int]:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from loaders.db import close_engines, get_engine
    from loaders.models import Run

    with Session(get_engine(url)) as s:
        rows = dict(s.execute(select(Run.status, func.count()).group_by(Run.status)).all())
    close_engines()
    return {str(k): int(v) for k, v in rows.items()}


def _compare(ref: Reference, got: tuple[dict[str, bytes], dict[str, object]], trial: Trial) -> None:
    export, lookups = got
    if export != ref.export:
        differ = sorted(k for k in set(export) | set(ref.export) if export.get(k) != ref.export.get(k))
        trial.notes.append(f"export differs: {differ[:3]}")
    for key, want in ref.lookups.items():
        if lookups.get(key) != want:
            trial.notes.append(f"{key} differ" if key != "rows" else
                               f"row counts differ: {_row_diff(want, lookups.get(key))}")


def _row_diff(want: object, got: object) -> str:
    assert isinstance(want, dict) and isinstance(got, dict)
    return ", ".join(f"{t} {got.get(t)} != {n}" for t, n in want.items() if got.get(t) != n)


KILL_TRIES = 8  # a run that finished before its kill moment is tried again at half the moment (load varies)


def kill_trial(new_store: Callable[[], str], src: Path, work: Path, ref: Reference, at: float | str) -> Trial:
    """One kill -9 of a real run (at ``at`` seconds, or at a fault point), a rerun, the comparison.

    The machine's load varies, so a run may end before its moment: then the trial starts again on a
    fresh store at half the moment (up to ``KILL_TRIES`` times); only a run actually killed counts.
    """
    for _ in range(KILL_TRIES):
        url = new_store()
        marker = uuid.uuid4().hex[:10]
        label = f"t={at:.1f}s" if isinstance(at, float) else f"fault {at}"
        trial = Trial("kill-9", label, True)
        proc = start_run(url, src, marker, work, at if isinstance(at, str) else None)
        if not isinstance(at, float):
            break
        try:
            proc.wait(at)
            proc.wait(900)
            at = round(at / 2, 2)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            break
    else:
        trial.notes.append(f"never killed: every try finished before its moment (exit {proc.returncode})")
    try:
        code = proc.wait(900)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait(30)
        trial.notes.append("the run did not end within 900 s")
    left, took = wait_gone(marker, GONE_WITHIN_S)
    trial.figures["children_gone_s"] = took
    if left:
        trial.notes.append(f"{len(left)} process(es) left after {GONE_WITHIN_S:g} s: {left}")
        for pid in left:
            with_suppressed(lambda p=pid: os.kill(p, signal.SIGKILL))
    rerun, seconds, log = complete_run(url, src, work)
    trial.figures["rerun_s"] = seconds
    if rerun != 0:
        trial.notes.append(f"rerun exit {rerun}: {log[-300:]}")
    _compare(ref, snapshot(url, work / f"ex-{marker}"), trial)
    states = run_states(url)
    if states.get("running"):
        trial.notes.append(f"{states['running']} run(s) left running")
    if isinstance(at, str) and code != -signal.SIGKILL:
        trial.notes.append(f"not killed at checkpoint {at} (exit {code})")
    if code != -signal.SIGKILL and not trial.notes:
        trial.notes.append(f"(exit {code})")
    trial.ok = not [n for n in trial.notes if not n.startswith("(")]
    return trial


def signal_trial(new_store: Callable[[], str], slow: Path, work: Path, sig: int) -> Trial:
    """Send ``sig`` while a file is being analysed (a slow file keeps the run busy)."""
    url = new_store()
    marker = uuid.uuid4().hex[:10]
    trial = Trial(signal.Signals(sig).name, "while analysing", True)
    proc = start_run(url, slow, marker, work)
    analysing = _wait_for_worker(marker, proc, 600)
    if not analysing:
        trial.ok = False
        trial.notes.append(f"no analysis worker seen (exit {proc.poll()})")
        return trial
    time.sleep(1.0)
    sent = time.monotonic()
    os.kill(proc.pid, sig)
    try:
        code = proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait(10)
    trial.figures["stop_s"] = time.monotonic() - sent
    left, took = wait_gone(marker, GONE_WITHIN_S)
    trial.figures["children_gone_s"] = took
    if code != 128 + sig:
        trial.notes.append(f"exit {code}, expected {128 + sig}")
    if trial.figures["stop_s"] > STOP_WITHIN_S:
        trial.notes.append(f"took {trial.figures['stop_s']:.1f} s to stop")
    if left:
        trial.notes.append(f"{len(left)} process(es) left: {left}")
    states = run_states(url)
    if states.get("running") or not states.get("interrupted"):
        trial.notes.append(f"runs {states}, expected one interrupted")
    trial.ok = not trial.notes
    return trial


def _wait_for_worker(marker: str, proc: subprocess.Popen[bytes], within: float) -> bool:
    """Until the run has an analysis worker (a process of ours other than the run and its server)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and proc.poll() is None:
        for pid in marked(marker):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"multiprocessing" in cmd:
                return True
        time.sleep(0.2)
    return False


def with_suppressed(fn: Callable[[], object]) -> None:
    with contextlib.suppress(OSError):
        fn()


def slow_folder(dest: Path, mb: int = 4) -> Path:
    """A notice page padded with nested inline markup: reading it keeps a worker busy for a while."""
    dest.mkdir(parents=True, exist_ok=True)
    body = "<span><b>质量月活动</b></span>" * (mb * 1024 * 1024 // 40)
    (dest / "padded.html").write_text(f"<html><head><meta charset='utf-8'><title>关于开展质量月活动的通知</title>"
                                      f"</head><body><p>{body}</p></body></html>", encoding="utf-8")
    return dest


@contextmanager
def stores(kind: str, work: Path) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty stores of ``kind`` (PostgreSQL: a throw-away server)."""
    if kind == "sqlite":
        yield lambda: f"sqlite:///{work / f'store-{uuid.uuid4().hex[:8]}.db'}"
        return
    from sqlalchemy.engine import make_url

    from tests.conftest import _pg_admin, _pg_bin, _start_pg

    external = os.environ.get("QMETL_TEST_PG_URL")
    stop: Callable[[], None] = lambda: None  # noqa: E731
    root = Path(tempfile.mkdtemp(prefix="qmetl-pg-"))
    if external:
        server = external
    else:
        bindir = _pg_bin()
        if bindir is None:
            raise SystemExit("no PostgreSQL binaries: --db sqlite, or set QMETL_TEST_PG_URL")
        server, stop = _start_pg(bindir, root)

    def fresh() -> str:
        name = f"qmetl_fault_{uuid.uuid4().hex[:10]}"
        _pg_admin(server, f'CREATE DATABASE "{name}"')
        return make_url(server).set(database=name).render_as_string(hide_password=False)

    try:
        yield fresh
    finally:
        stop()
        shutil.rmtree(root, ignore_errors=True)


def moments(seconds: float, trials: int, rng: random.Random) -> list[float | str]:
    """Kill times spread over the early, middle and late third of a run, plus the fault points."""
    points: list[float | str] = list(FAULT_POINTS[: max(0, min(len(FAULT_POINTS), trials - 3))])
    timed = trials - len(points)
    for i in range(timed):
        third = i % 3
        points.append(round(seconds * rng.uniform(max(0.05, third / 3), (third + 1) / 3), 2))
    return points


def run_kind(kind: str, raw: Path, work: Path, trials: int, signals: int, seed: int,
             files: tuple[str, ...] = FILES, points: list[float | str] | None = None,
             parallel: int = 1) -> list[Trial]:
    """``trials`` kill -9 trials (at ``points``, else spread by ``moments``) and ``signals`` stop trials."""
    src = work / "in"
    src.mkdir(parents=True, exist_ok=True)
    for name in files:
        if (raw / name).exists():
            shutil.copyfile(raw / name, src / name)
    out: list[Trial] = []
    with stores(kind, work) as new_store:
        if trials:
            url = new_store()
            code, seconds, log = complete_run(url, src, work)
            if code != 0:
                raise SystemExit(f"clean run failed (exit {code}): {log}")
            export, lookups = snapshot(url, work / "ex-clean")
            ref = Reference(export, lookups, seconds)
            print(f"{kind}: clean run {seconds:.1f} s, {len(export)} exported files, "
                  f"{len(lookups['organizations'])} organizations", flush=True)  # type: ignore[arg-type]
            def one(at: float | str) -> Trial:
                trial = kill_trial(new_store, src, work, ref, at)
                print(f"{kind}: {trial.line()}", flush=True)
                return trial

            with ThreadPoolExecutor(max(1, parallel)) as pool:  # trials are independent: own store, own marker
                out += list(pool.map(one, points or moments(seconds, trials, random.Random(seed))))
        slow = slow_folder(work / "slow")
        for i in range(signals):
            trial = signal_trial(new_store, slow, work, (signal.SIGTERM, signal.SIGINT)[i % 2])
            print(f"{kind}: {trial.line()}", flush=True)
            out.append(trial)
    return out


def summary(trials: list[Trial]) -> str:
    kills = [t for t in trials if t.kind == "kill-9"]
    stops = [t for t in trials if t.kind != "kill-9"]
    stop_s = [t.figures["stop_s"] for t in stops if "stop_s" in t.figures]
    gone = [t.figures["children_gone_s"] for t in trials if "children_gone_s" in t.figures]
    return (f"FAULTS kill9={sum(t.ok for t in kills)}/{len(kills)} "
            f"signals={sum(t.ok for t in stops)}/{len(stops)} "
            f"max_stop_s={max(stop_s, default=0):.1f} max_children_gone_s={max(gone, default=0):.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=20, help="kill -9 trials per store kind")
    ap.add_argument("--signals", type=int, default=2, help="SIGTERM/SIGINT trials per store kind")
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--parallel", type=int, default=1, help="kill trials run at once (each on its own store)")
    ap.add_argument("--raw", type=Path, default=Path("/work/shared/corpus/raw"))
    ap.add_argument("--json", type=Path, help="also write the trials here")
    args = ap.parse_args(argv)
    raw = args.raw if args.raw.is_dir() else ROOT / "tests" / "data" / "corpus" / "raw"
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="qmetl-prefect-"))
    trials: list[Trial] = []
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        work = Path(tempfile.mkdtemp(prefix=f"qmetl-faults-{kind}-"))
        try:
            trials += run_kind(kind, raw, work, args.trials, args.signals, args.seed, parallel=args.parallel)
        finally:
            _stop_started()
            shutil.rmtree(work, ignore_errors=True)
    print(summary(trials), flush=True)
    if args.json:
        args.json.write_text(json.dumps([t.__dict__ for t in trials], ensure_ascii=False, indent=1))
    return 0 if all(t.ok for t in trials) else 1


if __name__ == "__main__":
    sys.exit(main())
