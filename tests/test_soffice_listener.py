"""One LibreOffice per worker process (issue 27, point 3), on real soffice: the listener converts
to the same pages as a start per file, a hung or crashed LibreOffice is killed and replaced, the
listener dies with its worker, and without a UNO bridge every file is converted per file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.errors import TransientExtractError
from extractors.readers import soffice_listener
from extractors.readers.doc import DocSettings, find_soffice, read_doc

ROOT = Path(__file__).resolve().parents[1]
DOC = "jiangsu_2010_provincial.doc"

pytestmark = pytest.mark.skipif(find_soffice() is None or soffice_listener.uno_python(find_soffice() or "") is None,
                                reason="LibreOffice or its UNO bridge (python3-uno) is not installed")


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(soffice_listener.ENV_SWITCH, raising=False)
    soffice_listener.reset()
    yield
    soffice_listener.reset()


def _program() -> str:
    program = find_soffice()
    assert program is not None
    return program


def _office_pid(listener: soffice_listener.Listener) -> int:
    """soffice.bin of the listener's group."""
    assert listener.proc is not None
    for pid in soffice_listener.group_pids(listener.proc.pid):
        if Path(f"/proc/{pid}/comm").read_text().strip() == "soffice.bin":
            return pid
    raise AssertionError("no soffice.bin in the listener's process group")


def _gone(pgid: int, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while soffice_listener.group_pids(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_listener_converts_to_the_same_pages_as_a_start_per_file(raw_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    through_listener = read_doc(raw_dir / DOC)
    listener = soffice_listener.current(_program())
    assert listener is not None, "the conversion did not go through a listener"
    again = read_doc(raw_dir / DOC)
    assert soffice_listener.current(_program()) is listener, "the second file started another LibreOffice"
    monkeypatch.setenv(soffice_listener.ENV_SWITCH, "0")
    per_file = read_doc(raw_dir / DOC)
    assert through_listener == per_file == again


@pytest.mark.slow
def test_a_hung_listener_is_killed_at_the_timeout_and_the_next_file_gets_a_new_one(raw_dir: Path) -> None:
    read_doc(raw_dir / DOC)
    hung = soffice_listener.current(_program())
    assert hung is not None and hung.proc is not None
    pgid = hung.proc.pid
    os.kill(_office_pid(hung), signal.SIGSTOP)  # a real LibreOffice that stops answering
    start = time.monotonic()
    with pytest.raises(TransientExtractError) as err:
        read_doc(raw_dir / DOC, DocSettings(timeout_s=3.0))
    assert err.value.code == "doc.timeout" and DOC in str(err.value)
    assert time.monotonic() - start < 15, "the hung conversion was not stopped at its timeout"
    assert _gone(pgid), "the hung LibreOffice's process group outlived the timeout"
    pages, _ = read_doc(raw_dir / DOC)
    fresh = soffice_listener.current(_program())
    assert pages and fresh is not None and fresh.proc is not None and fresh.proc.pid != pgid


@pytest.mark.slow
def test_a_crashed_listener_falls_back_for_that_file_and_is_restarted(raw_dir: Path) -> None:
    want = read_doc(raw_dir / DOC)
    crashed = soffice_listener.current(_program())
    assert crashed is not None and crashed.proc is not None
    pgid = crashed.proc.pid
    os.kill(_office_pid(crashed), signal.SIGKILL)
    assert read_doc(raw_dir / DOC) == want  # converted per file meanwhile
    assert _gone(pgid)
    assert read_doc(raw_dir / DOC) == want
    restarted = soffice_listener.current(_program())
    assert restarted is not None and restarted.proc is not None and restarted.proc.pid != pgid


@pytest.mark.slow
def test_the_listener_dies_with_its_worker_killed_by_sigkill(raw_dir: Path, tmp_path: Path) -> None:
    pgid_file = tmp_path / "pgid"
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
              "from pathlib import Path\n"
              "from extractors.readers import soffice_listener\n"
              "from extractors.readers.doc import find_soffice, read_doc\n"
              f"read_doc(Path({str(raw_dir / DOC)!r}))\n"
              f"Path({str(pgid_file)!r}).write_text(str(soffice_listener.current(find_soffice()).proc.pid))\n"
              "import time; time.sleep(120)\n")
    worker = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 120
        while not pgid_file.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert pgid_file.exists(), "the worker did not convert through a listener"
        pgid = int(pgid_file.read_text())
        assert soffice_listener.group_pids(pgid)
        worker.kill()
        worker.wait()
        assert _gone(pgid), "LibreOffice outlived the worker that started it"
    finally:
        worker.kill()


def test_without_a_uno_bridge_every_file_is_converted_per_file(raw_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(soffice_listener.ENV_PYTHON, "/bin/false")  # no interpreter that imports uno
    pages, _ = read_doc(raw_dir / DOC)
    assert pages and soffice_listener.current(_program()) is None


def test_a_listener_that_cannot_start_falls_back_and_is_not_retried_at_once(raw_dir: Path, tmp_path: Path) -> None:
    """A program that never listens: the start fails within the file's timeout, the file is then
    converted per file (here: the same program, so it times out too), and the next file does not
    wait for another start."""
    fake = tmp_path / "fake-soffice"
    fake.write_text("#!/bin/sh\nexec sleep 60\n")
    fake.chmod(0o755)
    settings = DocSettings(program=str(fake), timeout_s=1.0)
    start = time.monotonic()
    with pytest.raises(TransientExtractError):
        read_doc(raw_dir / DOC, settings)
    first = time.monotonic() - start
    start = time.monotonic()
    with pytest.raises(TransientExtractError):
        read_doc(raw_dir / DOC, settings)
    assert time.monotonic() - start < first, "the second file waited for a listener start again"
    assert soffice_listener.current(str(fake)) is None
