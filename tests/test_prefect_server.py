"""qmetl's own start of Prefect's temporary API server (pipeline.prefect_server)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect import flow, task
from prefect.events.worker import EventsWorker
from prefect.logging.handlers import APILogWorker
from typer.testing import CliRunner

from pipeline import prefect_server
from tests.conftest import ROOT, poll

DOCX = "xiangcheng_2017_district.docx"


@pytest.fixture
def own_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No Prefect server configured, and no temporary server of this process carried into or out of the test."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    previous = prefect_server._server
    monkeypatch.setattr(prefect_server, "_server", None)
    yield
    prefect_server.discard()
    prefect_server._server = previous


@pytest.mark.parametrize(("argv", "environ", "expected"), [
    (["/venv/bin/qmetl", "run", "--raw", "in"], {}, True),
    (["flows.py", "run"], {"PREFECT_API_URL": ""}, True),
    (["/venv/bin/qmetl", "run", "--raw", "in"], {"PREFECT_API_URL": "http://127.0.0.1:4200/api"}, False),
    (["/venv/bin/qmetl", "run", "--help"], {}, False),
    (["/venv/bin/qmetl", "run"], {"PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "false"}, False),
    (["/venv/bin/qmetl", "run"], {"PREFECT_SERVER_EPHEMERAL_ENABLED": "0"}, False),
    (["/venv/bin/qmetl", "run"], {"PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true"}, True),
    (["/venv/bin/qmetl", "export", "--db", "x"], {}, False),
    (["/venv/bin/qmetl"], {}, False),
    (["/venv/bin/pytest", "run"], {}, False),
])
def test_only_a_run_without_a_configured_server_starts_one_early(argv: list[str], environ: dict[str, str],
                                                                  expected: bool) -> None:
    assert prefect_server.wanted(argv, environ) is expected


@pytest.mark.slow
def test_a_flow_runs_against_the_temporary_server_and_restores_the_settings(
        own_server: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import get_current_settings
    from prefect.utilities.urls import url_for

    monkeypatch.setenv("PREFECT_API_URL", "")  # set but empty, as `PREFECT_API_URL= qmetl run` leaves it
    real_spawn, spawned = prefect_server.spawn, []

    def lose_the_first_port(port: int) -> prefect_server.TemporaryServer:
        """The first server exits as uvicorn does when another process took its port."""
        spawned.append(port)
        if len(spawned) == 1:
            code = f"import sys; sys.exit({prefect_server.UVICORN_PORT_IN_USE})"
            return prefect_server.TemporaryServer(subprocess.Popen([sys.executable, "-c", code]), port)
        return real_spawn(port)

    monkeypatch.setattr(prefect_server, "spawn", lose_the_first_port)
    meanwhile: list[str | None] = []
    with prefect_server.api(meanwhile=lambda: meanwhile.append(get_current_settings().api.url)):
        url = get_current_settings().api.url
        assert url == prefect_server.server().api_url and prefect_server.healthy(url)
        assert get_current_settings().flows.heartbeat_frequency is None, "no heartbeats to a temporary server"
        assert url_for("flow-run", obj_id=uuid.uuid4()) is None, "no 'View at' link to a UI it does not serve"
        assert _tiny_flow() == 42
    assert meanwhile == [None], "the work given is done once, before the server is waited for and set"
    assert len(spawned) == 2, "restarted on another port"
    assert os.environ["PREFECT_API_URL"] == "" and not get_current_settings().api.url
    assert get_current_settings().flows.heartbeat_frequency, "heartbeats as configured again"
    assert "double" in _task_run_names(url), "the run's task runs (recorded from its events) reached the server"
    assert not [w for w in _senders() if isinstance(w, (EventsWorker, APILogWorker))], \
        "the log and event workers bound to the server are retired, so a later flow against another gets new ones"


@task(name="double")
def _double(x: int) -> int:
    return 2 * x


@flow(name="tiny")
def _tiny_flow() -> int:
    return _double(21)


def _senders() -> list[object]:
    return list(EventsWorker._instances.values())


def _task_run_names(api_url: str, wait: float = 20) -> set[str]:
    """Task run names on the server at ``api_url``; it records them from events, so poll a little."""
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(api_url) as client:
        return poll(lambda: {r.name.split("-")[0] for r in client.read_task_runs()}, bool, wait)


def test_no_server_is_started_where_prefect_settings_forbid_temporary_ones(own_server: None) -> None:
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_ENABLED, get_current_settings, temporary_settings

    meanwhile: list[int] = []
    with (temporary_settings(updates={PREFECT_SERVER_EPHEMERAL_ENABLED: False}),
          prefect_server.api(meanwhile=lambda: meanwhile.append(1))):
        assert prefect_server._server is None and not get_current_settings().api.url
    assert not meanwhile, "no server to wait for: the work is left to when it is needed"


def test_a_server_that_cannot_start_fails_the_run_with_a_clear_error(
        own_server: None, monkeypatch: pytest.MonkeyPatch, raw_dir: Path, tmp_path: Path) -> None:
    from flows import app

    def broken(port: int) -> prefect_server.TemporaryServer:
        log = tempfile.TemporaryFile()  # noqa: SIM115 - the server's log, kept open with it
        code = "import sys; sys.exit('no module named uvicorn')"
        return prefect_server.TemporaryServer(subprocess.Popen([sys.executable, "-c", code], stderr=log), port, log)

    monkeypatch.setattr(prefect_server, "spawn", broken)
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy2(raw_dir / DOCX, inbox / DOCX)
    result = CliRunner().invoke(app, ["run", "--raw", str(inbox), "--db", f"sqlite:///{tmp_path / 'qm.db'}"])
    assert result.exit_code == 2, result.output
    assert "temporary API server" in result.output and "exited with status 1" in result.output
    assert "no module named uvicorn" in result.output, "with the server's own error"
    assert "PREFECT_API_URL" in result.output, "says what to do instead"


def test_a_silent_server_times_out(own_server: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def silent(port: int) -> prefect_server.TemporaryServer:
        return prefect_server.TemporaryServer(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]),
                                              port)

    monkeypatch.setattr(prefect_server, "spawn", silent)
    started = time.monotonic()
    with pytest.raises(prefect_server.ServerError, match="did not answer within 1 s"):
        prefect_server.ready(timeout=1)
    assert time.monotonic() - started < 10
    process = prefect_server.server().process
    prefect_server.discard()
    assert process.wait(timeout=10) is not None, "stopped"


def _script(setup: str, report: str) -> str:
    """`qmetl run` as a user runs it, in a fresh interpreter: ``setup`` after the import, then the run;
    prints its exit code and the ``report`` dict as JSON."""
    return (f"import gc, json, sys, time\nsys.argv = ['qmetl', 'run', *sys.argv[1:]]\nimport flows\n{setup}\n"
            f"try:\n    flows.cli()\nexcept SystemExit as exc:\n    code = exc.code\n"
            f"print(json.dumps({{'code': code, **{report}}}))\n")


# No server at import; the run command starts one as it begins (a run with nothing to do too), and
# Prefect's own server module is never imported.
ENTRY = _script("""
at_import = flows.prefect_server._server
spawned = []
real_spawn = flows.prefect_server.spawn

def recording(port):
    server = real_spawn(port)
    spawned.append(server.process.pid)
    return server

flows.prefect_server.spawn = recording""", "{'at_import': at_import is not None, 'early_pid': spawned and spawned[0],"
                                           " 'spawns': len(spawned),"
                                           " 'prefects_own_server': 'prefect.server.api.server' in sys.modules}")


# The analyses alive (after a full collection) as each file is loaded. Prefect's events worker copies
# the sender's context into each event it queues (to attach related resources), so until it has sent
# them, the events of the last tasks hold their parameters and results: the count is taken once that
# backlog is sent (a count above one that lasts 10 s is taken as it is).
ALIVE = _script("""
from pipeline.analyze import Analysis
alive = []
real = flows.load_retrying

def settled_count():
    deadline = time.monotonic() + 10
    while True:
        gc.collect()
        count = sum(isinstance(o, Analysis) for o in gc.get_objects())
        if count <= 1 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)

def counting(analysis, cfg, load_id):
    alive.append(settled_count())
    return real(analysis, cfg, load_id)

flows.load_retrying = counting""", "{'alive': alive}")


def _qmetl_run(*args: str, entry: str = ENTRY, **env: str) -> dict[str, object]:
    environ = {**{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}, **env}
    done = subprocess.run([sys.executable, "-c", entry, *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return {**json.loads(done.stdout.splitlines()[-1]), "output": done.stdout}


def _documents(db: Path) -> int:
    """Documents in a copy of the SQLite file alone (without any -wal or -shm file beside it)."""
    copy = db.parent / "copy" / db.name
    copy.parent.mkdir()
    shutil.copy2(db, copy)
    with sqlite3.connect(copy) as conn:
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])


def _gone(pid: int, within: float = 30) -> bool:
    """The process has exited (a zombie left to an init that does not reap counts as exited)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_qmetl_run_uses_the_server_it_started_early_and_stops_it(raw_dir: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy2(raw_dir / DOCX, inbox / DOCX)
    args = ("--raw", str(inbox), "--db", f"sqlite:///{tmp_path / 'qm.db'}", "--log-level", "WARNING")
    first = _qmetl_run(*args)
    assert first["code"] == 0 and "1 loaded" in str(first["output"])
    assert first["at_import"] is False, "importing flows starts no server"
    assert first["early_pid"] and first["spawns"] == 1, "started once, by the run command, and used by the flow"
    assert first["prefects_own_server"] is False, "the flow never fell back to Prefect's own temporary server"
    assert _gone(int(str(first["early_pid"]))), "stopped at exit"
    assert not (tmp_path / "qm.db-wal").exists(), "the store's write-ahead log folded into the file at exit"
    assert _documents(tmp_path / "qm.db") == 1, "the database file alone holds the run"

    again = _qmetl_run(*args)  # nothing to do: no flow, and the early server is stopped unused
    assert again["code"] == 0 and "1 unchanged" in str(again["output"])
    assert again["early_pid"] and _gone(int(str(again["early_pid"])))


@pytest.mark.slow
def test_a_run_keeps_only_the_batch_it_is_loading(raw_dir: Path, tmp_path: Path) -> None:
    """Prefect's events client keeps the context of its first event for good; sent from the first task
    run, that context held the task's result (a batch of analyses) to the end of the run. The result
    store's in-memory cache held every analysis written."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("jiangsu_2010_provincial.docx", DOCX, "cmqa_2020_industry.docx", "suzhou_2020_municipal.docx"):
        shutil.copy2(raw_dir / name, inbox / name)
    run = _qmetl_run("--raw", str(inbox), "--db", f"sqlite:///{tmp_path / 'qm.db'}", "--log-level", "WARNING",
                     entry=ALIVE, QMETL_BATCH_SIZE="1")
    assert run["code"] == 0
    assert run["alive"] == [1, 1, 1, 1], "one file a batch: only the analysis being loaded is alive"
