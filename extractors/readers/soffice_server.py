"""One long-lived headless LibreOffice for one qmetl worker, driven over UNO (run as a script).

Started by ``extractors.readers.soffice_listener`` as
``PYTHON soffice_server.py PROGRAM PROFILE_DIR START_TIMEOUT_S`` with an interpreter that has
LibreOffice's UNO bridge (``import uno``: Debian's python3-uno, or LibreOffice's own python), in a
process group of its own that the soffice it starts joins, so one ``killpg`` ends both.

Protocol, one JSON object a line: first ``{"ready": true}`` (or ``{"ready": false, "error": …}``)
on stdout once LibreOffice answers; then for every request ``{"src", "dst", "filter"}`` read from
stdin one answer ``{"ok": true}`` or ``{"ok": false, "error": …, "alive": bool}``.

A document is loaded and stored as ``soffice --convert-to`` does (desktop/source/app/
dispatchwatcher.cxx: ReadOnly, OpenNewView, Hidden, Silent; stored with FilterName and Overwrite),
so the converted file holds the same text. It ends with its parent: at the end of stdin (the
worker closed it or died), or when its parent process is gone (a watchdog on ``os.getppid()``,
even while a conversion hangs), it kills its whole process group, LibreOffice included.

This file imports nothing from qmetl: the interpreter running it is not the worker's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

CONNECT_EVERY_S = 0.1
WATCH_EVERY_S = 0.5


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def end_group() -> None:
    """Kill this process group: LibreOffice (all its processes) and this script."""
    try:
        os.killpg(os.getpgid(0), signal.SIGKILL)
    finally:
        os._exit(1)


def watch_parent(parent: int) -> None:
    def watch() -> None:
        while True:
            time.sleep(WATCH_EVERY_S)
            if os.getppid() != parent:
                end_group()

    threading.Thread(target=watch, name="qmetl-soffice-watchdog", daemon=True).start()


def start_office(program: str, profile: Path) -> tuple[subprocess.Popen[bytes], str]:
    pipe = f"qmetl-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nocrashreport",
           "--nodefault", "--nologo", "--nofirststartwizard", "--norestore", "--nolockcheck",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    env = {**os.environ, "HOME": str(profile.parent)}
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env)
    return proc, pipe


def connect(pipe: str, proc: subprocess.Popen[bytes], timeout_s: float) -> Any:
    """The office's Desktop, once its pipe answers (a first start with a fresh profile restarts once)."""
    import uno
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if proc.poll() is not None:
                raise RuntimeError(f"LibreOffice exited with status {proc.returncode} before it listened") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"LibreOffice did not listen within {timeout_s:g} s") from None
            time.sleep(CONNECT_EVERY_S)


def properties(**values: Any) -> tuple[Any, ...]:
    from com.sun.star.beans import PropertyValue

    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


def convert(desktop: Any, src: str, dst: str, filter_name: str) -> None:
    import uno

    load = properties(Referer="private:OpenEvent", ReadOnly=True, OpenNewView=True, Hidden=True, Silent=True)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, load)
    if doc is None:
        raise RuntimeError("LibreOffice could not load the file")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(dst), properties(FilterName=filter_name, Overwrite=True))
    finally:
        try:
            doc.close(True)
        except Exception:  # noqa: BLE001 - a document that will not close is disposed with the office
            doc.dispose()


def serve(desktop: Any, proc: subprocess.Popen[bytes]) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            convert(desktop, request["src"], request["dst"], request["filter"])
            emit({"ok": True})
        except Exception as exc:  # noqa: BLE001 - reported to the worker, which decides
            emit({"ok": False, "error": f"{type(exc).__name__}: {exc}", "alive": proc.poll() is None})


def main(argv: list[str]) -> int:
    program, profile, start_timeout = argv[1], Path(argv[2]), float(argv[3])
    watch_parent(os.getppid())
    try:
        import uno  # noqa: F401 - checked before LibreOffice is started
    except ImportError as exc:
        emit({"ready": False, "error": f"no UNO bridge in {sys.executable}: {exc}"})
        return 3
    proc, pipe = start_office(program, profile)
    try:
        desktop = connect(pipe, proc, start_timeout)
    except Exception as exc:  # noqa: BLE001 - the worker falls back to one start per file
        emit({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        end_group()
    emit({"ready": True, "office_pid": proc.pid})
    serve(desktop, proc)
    end_group()  # stdin ended: the worker is done or gone
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
