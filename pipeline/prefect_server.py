"""Prefect's temporary API server for a one-off run, started by qmetl itself, early, once a process.

A flow run needs a Prefect API. Without PREFECT_API_URL, Prefect starts a temporary server when the
flow begins: it imports its server in the flow process (~1.6 s), spawns it and waits for it to
answer (~4.4 s), and at exit waits for it to stop (0.2–1.7 s) — all on the run's critical path.
qmetl starts the same server (uvicorn serving ``prefect.server.api.server:create_app``, UI off,
ephemeral, as Prefect's ``SubprocessASGIServer`` does) without importing it, as soon as the command
line says a run may need it, so the server's start-up runs on another core beside qmetl's own
imports and file checks. The flow then talks to it as to any configured server. At exit the server
is asked to stop and left to finish on its own.

No Prefect import at module level, and nothing started or set on import: ``qmetl run`` calls
``prestart`` as it begins; ``api``, which runs once Prefect is loaded, imports what it uses.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipeline import lifetime

ENTRY_POINTS = {"qmetl", "flows.py"}  # the programs whose `run` command starts the server early
FALSE = {"0", "false", "no", "off"}  # how a Prefect setting in the environment says no
UVICORN_PORT_IN_USE = 3  # uvicorn's exit status when it cannot bind (another process took the port)
INSTEAD = "Start one with `prefect server start` and set PREFECT_API_URL to use it instead."
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# qmetl's defaults for Prefect where the environment says nothing: no telemetry (nor its first-run notice)
# from Prefect's client or server; time for a temporary server to start on a busy machine
DEFAULTS = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
# Imported on a flow's first call (Prefect's engines, its parameter encoder, its client's first connection)
FIRST_CALL_MODULES = ("prefect.flow_engine", "prefect.task_engine", "fastapi.encoders", "anyio.streams.tls")


class ServerError(RuntimeError):
    """The temporary server did not come up: the run cannot record its flow run."""


@dataclass
class TemporaryServer:
    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes] | None = None  # the server's stderr; not ours, which it would hold open after we exit

    def errors(self, limit: int = 2000) -> str:
        """The end of what the server printed (uvicorn logs errors only)."""
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace").strip()[-limit:]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM: uvicorn finishes its requests and shuts down); not waited for.
        Its record stays in the children registry until it is seen gone, so a server that ignores the
        request is stopped by the next run (``lifetime.reap_leftovers``)."""
        if self.process.poll() is None:
            self.process.terminate()
        else:
            lifetime.unregister_child(self.process.pid)

    def kill(self, grace_s: float = 2.0) -> None:
        """Stop it now: SIGTERM, then SIGKILL after ``grace_s`` (Ctrl-C, SIGTERM)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        lifetime.unregister_child(self.process.pid)


_server: TemporaryServer | None = None


def use_defaults() -> None:
    """``DEFAULTS`` into the environment where it does not set them (a server and Prefect's workers read
    them there), and Prefect's settings read again when Prefect is already loaded. Called by the
    commands and the flow runner that use Prefect, never on import."""
    missing = {k: v for k, v in DEFAULTS.items() if k not in os.environ}
    if not missing:
        return
    os.environ.update(missing)
    if "prefect.context" in sys.modules:
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


def warm_up() -> None:
    """Load what the flow's first call and the first notice's normalization would (~1 s: modules,
    jieba's dictionary), while Prefect's temporary server starts on the other core."""
    import normalizers

    for name in FIRST_CALL_MODULES:
        with contextlib.suppress(ImportError):  # another Prefect version: it loads what it needs when it needs it
            importlib.import_module(name)
    normalizers.warm_up()


@contextmanager
def api(meanwhile: Callable[[], object] | None = None) -> Iterator[None]:
    """The configured Prefect server (PREFECT_API_URL), else this process's temporary server as the
    process's API while the block runs: in the environment and Prefect's global settings, where its
    client and its log and event workers (other threads) all read it. ``meanwhile``, work the block
    would do anyway, is done first when there is a temporary server to wait for. Flow runs send no
    heartbeats to a temporary server: nothing watches them on a server that stops with the process,
    and Prefect's heartbeat thread, which sleeps in whole seconds, held each flow's end 0.3-1 s. Nor
    does Prefect log a "View at" link for them: the temporary server serves no UI, and is gone at exit."""
    use_defaults()
    from prefect.context import refresh_global_settings_context
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_UI_URL,
        get_current_settings,
        temporary_settings,
    )

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        discard()  # a configured server, or none wanted (Prefect then says what to configure)
        yield
        return
    if meanwhile is not None:
        meanwhile()
    url = ready(settings.server.ephemeral.startup_timeout_seconds).api_url
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    refresh_global_settings_context()
    try:
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None, PREFECT_UI_URL: ""}):
            yield
    finally:
        if not lifetime.stopping():  # on Ctrl-C nobody waits for the server's history
            drain_workers()
        if before is None:
            del os.environ["PREFECT_API_URL"]
        else:
            os.environ["PREFECT_API_URL"] = before
        refresh_global_settings_context()


def drain_workers(timeout: float = 30) -> None:
    """Deliver the run's logs and events (task runs are recorded from events) to the server they
    were meant for, and retire the workers sending them: a worker keeps the API it started with,
    so a later flow in this process against another server gets new ones (as Prefect's test harness does)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)


def wanted(argv: Sequence[str], environ: Mapping[str, str]) -> bool:
    """Whether this program is ``qmetl run`` (not its help) with no Prefect server configured in the
    environment and temporary servers allowed there; what a Prefect profile says is read later,
    once Prefect is loaded (see ``api``)."""
    if not argv or Path(argv[0]).name not in ENTRY_POINTS:
        return False
    args = list(argv[1:])
    ephemeral = environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED"))
    return (args[:1] == ["run"] and not {"--help", "-h"} & set(args) and not environ.get("PREFECT_API_URL")
            and (ephemeral or "true").lower() not in FALSE)


def prestart(argv: Sequence[str]) -> None:
    """As `qmetl run` begins, before its checks and file hashing: start the temporary server when the
    program is that command (not in a worker process, which gets its parent's argv). A run that turns
    out to have nothing to do stops it at exit, unused."""
    if multiprocessing.parent_process() is None and wanted(argv, os.environ):
        server()


def server() -> TemporaryServer:
    """This process's temporary server: the one already started, else a new one (not yet waited for)."""
    global _server
    if _server is None or _server.process.poll() is not None:
        _server = spawn(free_port())
    return _server


def discard(now: bool = False) -> None:
    """Stop this process's temporary server, if any: at exit, or when a configured server turned
    out to be there after all (a Prefect profile's PREFECT_API_URL); ``now``: and wait until it is gone."""
    global _server
    if _server is not None:
        _server.kill() if now else _server.stop()
        _server = None


atexit.register(discard)  # registered on import, before Prefect's exit hooks, so it runs after them


def spawn(port: int) -> TemporaryServer:
    command = lifetime.watched_command("uvicorn", ["--factory", "prefect.server.api.server:create_app",
                                                   "--host", "127.0.0.1", "--port", str(port),
                                                   "--log-level", "error", "--lifespan", "on"])
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server's stderr, kept open with the server (TemporaryServer.log)
    # it ends when this process ends, however it ends (kill -9 included), from whichever thread it
    # was started: its own watchdog on this pid (and the kernel's signal when started by the main thread)
    process = subprocess.Popen(command, env={**os.environ, **SERVER_ENV}, stdout=subprocess.DEVNULL, stderr=log,
                               preexec_fn=lifetime.forking_preexec())  # type: ignore[arg-type, call-overload, unused-ignore]
    lifetime.register_child(process.pid, "prefect-server")
    return TemporaryServer(process, port, log)


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ready(timeout: float, poll: float = 0.05) -> TemporaryServer:
    """This process's temporary server once it answers its health check; restarted on another
    port if it lost its port to another process. ServerError when it exits or stays silent."""
    global _server
    current = server()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = current.process.poll()
        if status == UVICORN_PORT_IN_USE:
            current = _server = spawn(free_port())
            continue
        if status is not None:
            raise ServerError(f"Prefect's temporary API server (port {current.port}) exited with status "
                              f"{status} while starting: {current.errors() or 'it printed nothing'}\n{INSTEAD}")
        if healthy(current.api_url):
            return current
        time.sleep(poll)
    raise ServerError(f"Prefect's temporary API server (port {current.port}) did not answer within "
                      f"{timeout:.0f} s (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS).\n{INSTEAD}")


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
