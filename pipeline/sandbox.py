"""Analyses in a worker process that can be killed: every file bounded in time and memory.

A reader meeting hostile input (a 50 MB HTML page, a decompression trick, a pathological PDF)
can spin or grow without end inside C code no Python timeout interrupts. So each analysis runs
in a spawned worker process; the caller waits at most ``Limits.seconds`` for its answer, watching
the worker's resident memory meanwhile, and kills it (SIGKILL) when either bound is passed. The
file is then a recorded failure (``extract.timeout`` / ``extract.memory``) and the next file gets
a fresh worker. Workers die with the run (``pipeline.lifetime``).

One worker per calling thread (the task runner's threads), started on first use and reused: a
worker's start-up (imports) is paid once per run and thread, not per file.
"""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from pipeline import lifetime
from schemas import StageError

POLL_S = 0.05


@dataclass(frozen=True)
class Limits:
    seconds: float = 300.0  # per file
    memory_mb: int = 2048  # resident memory of the worker while it analyses one file
    isolate: bool = True  # False: analyse in the calling process, unbounded

    @property
    def isolated(self) -> bool:
        return self.isolate


class Interrupted(RuntimeError):
    """The run is stopping (Ctrl-C / SIGTERM): no analysis is started or waited for any more."""


class Sandbox:
    """One analysis worker process and the pipe to it."""

    def __init__(self) -> None:
        self.process: Any = None
        self.conn: Connection | None = None

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        ours, theirs = ctx.Pipe()
        with _start_lock, _importable_main():
            process = ctx.Process(target=serve, args=(theirs, os.getpid()), name="qmetl-analysis", daemon=True)
            process.start()
        theirs.close()
        self.process, self.conn = process, ours
        assert process.pid is not None  # started above
        lifetime.register_child(process.pid, "analysis")

    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def kill(self) -> None:
        if self.process is None:
            return
        pid = self.process.pid
        with contextlib.suppress(ProcessLookupError, OSError, ValueError, AttributeError):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(OSError):
            if self.conn is not None:
                self.conn.close()
        lifetime.unregister_child(pid)
        self.process = self.conn = None

    def call(self, fn: str, args: tuple[Any, ...], limits: Limits, path: str) -> Any:
        """``fn(*args)`` in the worker (``fn`` = 'module:function'); a StageError when a bound is passed.
        ``Interrupted`` as soon as the run is stopping (the signal handler kills the workers)."""
        _check_stopping(path)
        if not self.alive():
            self.kill()
            self.start()
        conn, process = self.conn, self.process  # kill() from the signal handler clears the attributes
        assert conn is not None and process is not None
        try:
            conn.send((fn, args))
            return self._wait(conn, process, limits, path)
        except (EOFError, OSError, ValueError):
            _check_stopping(path)
            return self._lost(path)

    def _wait(self, conn: Connection, process: Any, limits: Limits, path: str) -> Any:
        deadline = time.monotonic() + limits.seconds
        peak = 0.0
        while True:
            if conn.poll(POLL_S):
                status, value = conn.recv()
                if status == "error":
                    raise RuntimeError(value)
                return value
            _check_stopping(path)
            if not process.is_alive():
                return self._lost(path)
            peak = max(peak, lifetime.rss_mb(process.pid))
            if peak > limits.memory_mb:
                self.kill()
                return bound_error(path, "extract.memory", f"reading it took more than {limits.memory_mb} MB "
                                   "of memory (file_memory_mb); the reader was stopped",
                                   f"{peak:.0f} MB", f"<= {limits.memory_mb} MB")
            if time.monotonic() > deadline:
                self.kill()
                return bound_error(path, "extract.timeout", f"reading it took longer than {limits.seconds:g} s "
                                   "(file_timeout); the reader was stopped",
                                   f"> {limits.seconds:g} s", f"<= {limits.seconds:g} s")

    def _lost(self, path: str) -> StageError:
        code = self.process.exitcode if self.process is not None else None
        self.kill()
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return bound_error(path, "extract.worker_lost", f"the analysis worker ended while reading it ({how}: "
                           "out of memory, or a crash in a reader's native code)", how, "a worker that answers")


def _check_stopping(path: str) -> None:
    if lifetime.stopping():
        raise Interrupted(f"{path}: not analysed, the run is stopping (Ctrl-C / SIGTERM)")


def bound_error(path: str, code: str, message: str, value: str, expected: str) -> StageError:
    return StageError(stage="extract", code=code, message=f"{path}: {message}", file=path, value=value,
                      expected=expected)


def serve(conn: Connection, parent: int) -> None:
    """The worker's loop: calls in, results out, until the pipe closes or the parent dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    lifetime.die_with_parent(parent)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        module, _, name = fn.partition(":")
        try:
            result = ("ok", getattr(importlib.import_module(module), name)(*args))
        except Exception as exc:  # reported to the caller, the worker lives on
            result = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


_start_lock = threading.Lock()  # one start at a time: ``_importable_main`` edits the shared __main__
_local = threading.local()
_all: set[Sandbox] = set()
_all_lock = threading.Lock()


def sandbox() -> Sandbox:
    """This thread's worker (one per thread: the kernel's parent-death signal follows the thread
    that started the worker, so the thread that starts one is the one that uses it)."""
    box = getattr(_local, "box", None)
    if box is None:
        box = _local.box = Sandbox()
        with _all_lock:
            _all.add(box)
    return box


def stop_all() -> None:
    """Kill every worker of this process (end of a run, Ctrl-C)."""
    with _all_lock:
        boxes = list(_all)
    for box in boxes:
        box.kill()


@contextlib.contextmanager
def _importable_main() -> Any:
    """A spawned child re-imports ``__main__`` when it has no module spec (a script such as flows.py
    or the ``qmetl`` launcher, with Prefect and the CLI): give it this module's spec meanwhile."""
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    if spec is None:
        main.__spec__ = importlib.util.find_spec(__name__)
    try:
        yield
    finally:
        main.__spec__ = spec
