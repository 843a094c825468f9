"""Process lifetime: children die with their parent, a new run stops what a dead one left behind.

Three layers, because each one alone has a hole:

- a watchdog in the child on its parent's pid: ``die_with_parent`` (analysis workers, our code) and
  ``watched_command`` (a program we do not own, Prefect's temporary server: a small launcher starts
  the watchdog thread, then runs the program's module). ``os.getppid()`` changes the moment the
  parent *process* ends, ``kill -9`` included, whichever of its threads started the child. Linux's
  ``PR_SET_PDEATHSIG`` is added for an immediate signal only where it cannot misfire: the kernel
  ties it to the *thread* that forked the child, so a server started from a worker thread would be
  killed when that thread ends (what broke the golden tests); it is armed only for children forked
  from the main thread (which lives as long as the process) or used by the thread that started them.
- ``register_child`` (in the parent): every long-lived child (Prefect's temporary server, analysis
  workers) is written down in ``$TMPDIR/qmetl-<uid>/children/<pid>.json`` with its parent's pid
  and both start times (a pid can be reused: the start time tells a process from its successor).
- ``reap_leftovers`` (at the start of every run): a child whose parent is gone is stopped
  (SIGTERM, then SIGKILL), and its record removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from loaders.procs import alive, start_time

PR_SET_PDEATHSIG = 1
WATCH_EVERY_S = 0.5


def registry_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"qmetl-{os.getuid()}" / "children"


def set_pdeathsig(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent (thread) ends. Linux only."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """In a child: end when ``parent`` ends (a watchdog thread on its pid, and the kernel's signal:
    an analysis worker is used only by the thread that started it, so that thread's end, which
    also fires the signal, leaves it with nothing to do)."""
    set_pdeathsig(sig)
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_EVERY_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="qmetl-parent-watchdog", daemon=True).start()


def pdeathsig_preexec(sig: int = signal.SIGTERM) -> None:
    """``preexec_fn`` for ``subprocess.Popen`` children (run between fork and exec: signal only)."""
    set_pdeathsig(sig)


def forking_preexec() -> object:
    """The ``preexec_fn`` for a long-lived ``Popen`` child started by this thread: the kernel's
    parent-death signal when this is the main thread, nothing otherwise (the thread may end before
    the process does; the child's own watchdog covers it, see ``watched_command``)."""
    return pdeathsig_preexec if threading.current_thread() is threading.main_thread() else None


# Runs in the child: a watchdog thread on the parent's pid, then the program's module as __main__.
# On the parent's end it asks the program to stop (SIGTERM) and exits for good GRACE_S later.
_LAUNCHER = """
import os, runpy, signal, sys, threading, time
parent, grace, module = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
if os.getppid() != parent:
    sys.exit(1)
def watch():
    while os.getppid() == parent:
        time.sleep({every})
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(grace)
    os._exit(1)
threading.Thread(target=watch, name="qmetl-parent-watchdog", daemon=True).start()
sys.argv = [module, *sys.argv[4:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""
CHILD_GRACE_S = 5.0


def watched_command(module: str, args: list[str], grace_s: float = CHILD_GRACE_S) -> list[str]:
    """``python -m module args…`` that ends when this process ends, however it ends (``kill -9``
    included) and whichever thread starts it: SIGTERM to itself, then exit ``grace_s`` later."""
    code = _LAUNCHER.replace("{every}", repr(WATCH_EVERY_S))
    return [sys.executable, "-c", code, str(os.getpid()), repr(grace_s), module, *args]


def register_child(pid: int, kind: str) -> None:
    record = {"pid": pid, "kind": kind, "started": start_time(pid), "parent": os.getpid(),
              "parent_started": start_time(os.getpid())}
    folder = registry_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{pid}.json").write_text(json.dumps(record))


def unregister_child(pid: int) -> None:
    with contextlib.suppress(OSError):
        (registry_dir() / f"{pid}.json").unlink()


def reap_leftovers(grace_s: float = 3.0) -> list[dict[str, object]]:
    """Stop every registered child whose parent is gone; the records of stopped children."""
    stopped: list[dict[str, object]] = []
    folder = registry_dir()
    if not folder.is_dir():
        return stopped
    for entry in sorted(folder.glob("*.json")):
        try:
            record = json.loads(entry.read_text())
        except (OSError, ValueError):
            continue
        if alive(int(record["parent"]), record.get("parent_started")):
            continue
        if alive(int(record["pid"]), record.get("started")):
            stop(int(record["pid"]), grace_s)
            stopped.append(record)
        with contextlib.suppress(OSError):
            entry.unlink()
    return stopped


def stop(pid: int, grace_s: float = 3.0) -> None:
    """SIGTERM, then SIGKILL after ``grace_s`` if it is still there."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
        _reap_zombie(pid)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            _reap_zombie(pid)
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)


def _reap_zombie(pid: int) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (0 when unknown)."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


# --- Ctrl-C and SIGTERM ---------------------------------------------------------------------

HARD_STOP_S = 6.0  # from the signal to the forced exit, whatever the main thread is waiting for
CLEANUP_S = 2.5  # what the forced exit waits for its cleanup (then exits anyway): 8.5 s in all
_stopping: dict[str, int] = {}
_handlers: dict[str, Any] = {}


def stopping() -> bool:
    """Whether this process was asked to stop (SIGINT / SIGTERM)."""
    return bool(_stopping)


def exit_code() -> int:
    return 128 + _stopping.get("signal", signal.SIGINT)


def on_stop(cleanup: list[object]) -> None:
    """SIGINT and SIGTERM stop the run: the first one kills the analysis workers at once (their
    files are not loaded) and raises KeyboardInterrupt in the main thread, so the document being
    loaded rolls back with its transaction and the caller's handler can record the run; a timer
    ends the process ``HARD_STOP_S`` later whatever is still waiting; a second signal ends it now.
    ``cleanup``: callables run (each at most once) before a forced exit."""

    def handler(signum: int, _frame: object) -> None:
        if _stopping:
            _force(cleanup)
        _stopping["signal"] = signum
        timer = threading.Timer(HARD_STOP_S, _force, args=(cleanup,))
        timer.daemon = True
        timer.start()
        from pipeline.sandbox import stop_all

        stop_all()
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")

    _handlers["stop"] = handler
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)


def reclaim_signals() -> None:
    """Put ``on_stop``'s handler back (main thread only) where something replaced it: Prefect's flow
    engine swaps SIGTERM for its own handler during a flow run, which only raises in the main thread
    and leaves the analysis threads and workers running until they finish (minutes on a big file).
    A no-op in a process that did not call ``on_stop`` (a deployment under a Prefect worker)."""
    handler = _handlers.get("stop")
    if handler is None or threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not handler:
            signal.signal(sig, handler)


def _force(cleanup: list[object]) -> None:
    """Run ``cleanup`` (in a thread, at most ``CLEANUP_S``: a cleanup stuck on a lock must not keep
    the process alive), then exit with the signal's status."""
    worker = threading.Thread(target=_run_all, args=(cleanup,), name="qmetl-stop-cleanup", daemon=True)
    worker.start()
    worker.join(CLEANUP_S)
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    os._exit(exit_code())


def _run_all(cleanup: list[object]) -> None:
    for fn in cleanup:
        with contextlib.suppress(Exception):
            fn()  # type: ignore[operator]
