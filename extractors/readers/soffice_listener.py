"""LibreOffice started once per worker process, not once per file.

A DOC/WPS/ET conversion through ``soffice --convert-to`` pays LibreOffice's start-up (~1 s) every
file. Here each process keeps one headless LibreOffice listening on a private pipe, driven by the
small UNO client ``soffice_server.py``, run by an interpreter that has LibreOffice's UNO bridge
(``QMETL_UNO_PYTHON``, else LibreOffice's own ``program/python``, else ``/usr/bin/python3`` or
``python3`` with Debian's python3-uno). The client and LibreOffice share one process group of their
own: a conversion that passes the per-file timeout kills the group (the file is ``doc.timeout``,
as before) and the next file starts a fresh listener; a listener that crashed is restarted.

Everything else falls back to the one-start-per-file conversion, so a failure of the listener
never changes what a file yields: no UNO bridge, a listener that does not start (then none is tried
again for ``RETRY_START_S``), a file the listener could not convert (converted again per file,
whose error the caller reports). ``QMETL_SOFFICE_LISTENER=0`` turns the listener off.

The group dies with the worker: the client ends it when its stdin closes or its parent is gone
(a watchdog), and the worker kills it at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVER_SCRIPT = Path(__file__).with_name("soffice_server.py")
START_TIMEOUT_S = 60.0
RETRY_START_S = 60.0  # after a listener failed to start, per-file conversions for this long
ENV_SWITCH = "QMETL_SOFFICE_LISTENER"
ENV_PYTHON = "QMETL_UNO_PYTHON"


class ListenerUnavailable(RuntimeError):
    """No listener for this conversion: convert per file instead."""


class ListenerTimeout(RuntimeError):
    """The conversion passed its timeout; the listener was killed."""


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


_uno_pythons: dict[str, str | None] = {}


def uno_python(program: str) -> str | None:
    """An interpreter that can ``import uno`` (checked once per process and program), or None."""
    if program in _uno_pythons:
        return _uno_pythons[program]
    found = None
    for candidate in _candidates(program):
        try:
            ok = subprocess.run([candidate, "-c", "import uno"], stdin=subprocess.DEVNULL, capture_output=True,
                                timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            found = candidate
            break
    _uno_pythons[program] = found
    return found


def _candidates(program: str) -> list[str]:
    named = os.environ.get(ENV_PYTHON, "").strip()
    if named:
        return [named]
    bundled = Path(os.path.realpath(program)).parent / "python"
    out = [str(bundled)] if bundled.is_file() else []
    out += [p for p in ("/usr/bin/python3", shutil.which("python3")) if p and Path(p).exists()]
    return list(dict.fromkeys(out))


@dataclass
class Listener:
    """One client + LibreOffice process group."""

    program: str
    python: str
    start_timeout_s: float
    proc: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    _buffer: bytes = field(default=b"", repr=False)

    def start(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="qmetl-soffice-"))
        self.proc = subprocess.Popen(
            [self.python, str(SERVER_SCRIPT), self.program, str(self.workdir / "profile"), f"{self.start_timeout_s:g}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "HOME": str(self.workdir)})
        reply = self._reply(time.monotonic() + self.start_timeout_s + 5.0)
        if reply is None or not reply.get("ready"):
            why = "no answer" if reply is None else reply.get("error", "not ready")
            self.kill()
            raise ListenerUnavailable(f"LibreOffice listener did not start: {why}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def convert(self, src: Path, dst: Path, filter_name: str, timeout_s: float) -> None:
        """``src`` converted to ``dst``; ListenerTimeout past ``timeout_s`` (the group is killed),
        ListenerUnavailable when the listener failed on it (crashed, or could not convert it)."""
        assert self.proc is not None and self.proc.stdin is not None
        request = json.dumps({"src": str(src.resolve()), "dst": str(dst.resolve()), "filter": filter_name}) + "\n"
        try:
            self.proc.stdin.write(request.encode("utf-8"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise ListenerUnavailable(f"LibreOffice listener is gone: {exc}") from exc
        reply = self._reply(time.monotonic() + timeout_s)
        if reply is None:
            timed_out = self.alive()
            self.kill()
            if timed_out:
                raise ListenerTimeout(f"conversion took longer than {timeout_s:g} s")
            raise ListenerUnavailable("LibreOffice listener ended during the conversion")
        if not reply.get("ok"):
            self.kill()  # a crashed office can look alive for a moment (its launcher): start afresh
            raise ListenerUnavailable(f"LibreOffice listener could not convert: {reply.get('error')}")
        if not dst.exists():
            raise ListenerUnavailable("LibreOffice listener wrote no file")

    def _reply(self, deadline: float) -> dict[str, Any] | None:
        """The next JSON line from the client, or None at its end or past ``deadline``."""
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            value = json.loads(line)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.proc.wait(5)
            for stream in (self.proc.stdin, self.proc.stdout):
                with contextlib.suppress(OSError):
                    if stream is not None:
                        stream.close()
            self.proc = None
        self._buffer = b""
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


_lock = threading.Lock()  # one conversion at a time per process (one listener per worker process)
_listeners: dict[str, Listener] = {}
_owner = os.getpid()
_start_failed_at: dict[str, float] = {}


def convert(src: Path, dst: Path, program: str, filter_name: str, timeout_s: float) -> None:
    """Convert through this process's listener for ``program`` (started on first use).
    ListenerUnavailable: convert per file instead; ListenerTimeout: the file passed its timeout."""
    if not enabled():
        raise ListenerUnavailable(f"{ENV_SWITCH} is off")
    with _lock:
        listener = _listener(program, timeout_s)
        listener.convert(src, dst, filter_name, timeout_s)


def _listener(program: str, timeout_s: float) -> Listener:
    global _owner
    if os.getpid() != _owner:  # a forked child: the parent's listeners are not ours to drive or kill
        _listeners.clear()
        _owner = os.getpid()
    current = _listeners.get(program)
    if current is not None and current.alive():
        return current
    if current is not None:
        current.kill()
        del _listeners[program]
    failed = _start_failed_at.get(program)
    if failed is not None and time.monotonic() - failed < RETRY_START_S:
        raise ListenerUnavailable("LibreOffice listener failed to start recently")
    python = uno_python(program)
    if python is None:
        raise ListenerUnavailable("no Python with LibreOffice's UNO bridge (python3-uno)")
    listener = Listener(program, python, min(START_TIMEOUT_S, timeout_s))
    try:
        listener.start()
    except (ListenerUnavailable, OSError) as exc:
        _start_failed_at[program] = time.monotonic()
        raise ListenerUnavailable(str(exc)) from exc
    _start_failed_at.pop(program, None)
    _listeners[program] = listener
    return listener


def current(program: str) -> Listener | None:
    """This process's live listener for ``program``, if one runs."""
    listener = _listeners.get(program)
    return listener if listener is not None and listener.alive() and os.getpid() == _owner else None


def group_pids(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (Linux /proc; zombies left out)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group) == pgid and state != "Z":
            out.append(int(stat.parent.name))
    return out


def stop_all() -> None:
    """Kill this process's listeners (at exit; tests)."""
    if os.getpid() != _owner:
        return
    for listener in list(_listeners.values()):
        listener.kill()
    _listeners.clear()


def reset() -> None:
    """Forget start failures and found interpreters (tests)."""
    stop_all()
    _start_failed_at.clear()
    _uno_pythons.clear()


atexit.register(stop_all)
