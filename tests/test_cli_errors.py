"""The CLI as a new user meets it: mistakes give a line naming the value and what was expected, exit 2;
read-only commands never create a store; output loses no data when piped; one short run summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows import app
from tests.conftest import ROOT

runner = CliRunner()


def _err(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 2, result.output
    return result.output


@pytest.mark.parametrize("command", [["status"], ["query", "SELECT 1"], ["export"], ["report"], ["orgs", "counts"],
                                     ["orgs", "unresolved"], ["renormalize"]])
def test_read_only_commands_say_no_store_and_create_nothing(command: list[str], tmp_path: Path) -> None:
    db = tmp_path / "typo" / "qm.db"
    out = _err([*command, "--db", f"sqlite:///{db}"])
    assert "no store exists" in out and str(db) in out
    assert not db.exists() and not db.parent.exists()


@pytest.mark.parametrize(("url", "expected"), [("notaurl", "is not a database URL"),
                                                ("mysql://u@h/qm", "unsupported database 'mysql'"),
                                                ("postgresql+nodriver://u@h/qm", "unknown driver")])
def test_bad_db_url_names_it(url: str, expected: str) -> None:
    out = _err(["status", "--db", url])
    assert expected in out and "postgresql+psycopg://" in out


def test_unreachable_postgresql_fails_fast() -> None:
    import time

    started = time.monotonic()
    out = _err(["status", "--db", "postgresql+psycopg://qm@127.0.0.1:1/qm"])
    assert "cannot connect" in out and "127.0.0.1:1" in out
    assert time.monotonic() - started < 15


def test_run_input_mistakes(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'qm.db'}"
    assert "--raw" in _err(["run", "--raw", str(tmp_path / "nowhere"), "--db", db]) and "no such folder" in \
        _err(["run", "--raw", str(tmp_path / "nowhere"), "--db", db])
    assert "does not download" in _err(["run", "--list", "https://example.org/list.txt", "--db", db])
    assert "no such file" in _err(["run", "--list", str(tmp_path / "missing.txt"), "--db", db])
    listing = tmp_path / "list.txt"
    listing.write_text("https://example.org/a.pdf\n", "utf-8")
    assert "https:// URL" in _err(["run", "--list", str(listing), "--db", db])
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _err(["run", "--raw", str(empty), "--db", db])
    assert "no notice found" in out and ".pdf" in out and ".docx" in out
    assert not (tmp_path / "qm.db").exists(), "nothing was recorded for a mistake"


@pytest.mark.slow
def test_a_folder_of_no_notices_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    result = runner.invoke(app, ["run", "--raw", str(folder), "--db", f"sqlite:///{tmp_path / 'qm.db'}",
                                 "--log-level", "WARNING", "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "no notice found among the 1 file(s)" in result.output and ".ofd" in result.output


def test_version_and_command_order() -> None:
    result = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0]='qmetl'; from flows import cli; cli()",
                             "--version"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0 and result.stdout.startswith("qmetl "), result
    listed = [line.split()[1] for line in runner.invoke(app, ["--help"]).output.splitlines()
              if line.startswith("│ ") and len(line.split()) > 1 and line.split()[1].isalpha()]
    wanted = ["run", "status", "query", "export", "report", "browse", "orgs", "serve", "db"]
    assert [c for c in listed if c in wanted] == wanted, listed


def test_status_and_query_print_full_values_when_piped(raw_dir: Path, tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.process import process_file
    from pipeline.run import prepare_store

    deep = tmp_path / ("a-very-long-folder-name-that-a-table-would-cut" * 3)
    deep.mkdir()
    src = deep / "jiangsu_2010_provincial.docx"
    src.write_bytes((raw_dir / src.name).read_bytes())
    db = f"sqlite:///{tmp_path / 'qm.db'}"
    settings = Settings(db=db, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    process_file(str(src), settings, "l1")
    status = runner.invoke(app, ["status", "--db", db])
    assert status.exit_code == 0, status.output
    header, row = status.stdout.splitlines()[:2]
    assert header.split("\t")[:2] == ["path", "state"] and row.split("\t")[0] == str(src)
    query = runner.invoke(app, ["query", "SELECT title, doc_number FROM v_documents", "--db", db])
    assert query.exit_code == 0, query.output
    lines = query.stdout.splitlines()
    assert lines[0] == "title\tdoc_number" and len(lines) == 2 and "…" not in query.output
    assert len(lines[1].split("\t")[0]) > 10


def test_terminal_table_wraps_instead_of_cutting() -> None:
    from rich.console import Console

    from pipeline.cli.output import emit_rows

    console = Console(width=40, force_terminal=False, record=True)
    value = "/srv/notices/" + "x" * 90 + "/end.pdf"
    emit_rows(["path", "state"], [[value, "loaded"]], console=console)
    text = console.export_text()
    assert text.count("x") == 90 and "/srv/notices/" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 40


def test_tsv_escapes_keep_every_value() -> None:
    from pipeline.cli.output import tsv_line

    assert tsv_line(["a\tb", "c\nd", None, 3]) == "a\\tb\tc\\nd\t\t3"


def test_csv_excel_bom(raw_dir: Path, tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.process import process_file
    from pipeline.run import prepare_store

    db = f"sqlite:///{tmp_path / 'qm.db'}"
    settings = Settings(db=db, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    process_file(str(raw_dir / "jiangsu_2010_provincial.docx"), settings, "l1")
    out = tmp_path / "acts.csv"
    result = runner.invoke(app, ["export", "--db", db, "--view", "v_activities", "--format", "csv", "--excel",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "江苏" in data.decode("utf-8-sig")
    plain = tmp_path / "plain.csv"
    assert runner.invoke(app, ["export", "--db", db, "--view", "v_activities", "--format", "csv",
                               "--out", str(plain)]).exit_code == 0
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "--excel is for --format csv" in runner.invoke(app, ["export", "--db", db, "--view", "v_activities",
                                                                "--format", "parquet", "--excel"]).output


def test_summary_is_short_and_says_each_code_once() -> None:
    from pipeline.report import RunSummary, render_text

    s = RunSummary(load_id="L", files=3, loaded=1, skipped=1, failed=1, activities=5, outline_items=2,
                   stage_seconds={"read": 123.664}, seconds=2.5,
                   failures=[{"file": "bad.pdf", "code": "pdf.damaged", "reason": "truncated or damaged PDF",
                              "message": "[pdf.damaged] EOF marker not found"}])
    text = render_text(s)
    assert text.splitlines()[0] == "run L: 3 files — 1 loaded, 1 unchanged, 1 failed; 2.5 s"
    assert "failed bad.pdf: truncated or damaged PDF (pdf.damaged): EOF marker not found" in text
    assert text.count("pdf.damaged") == 1 and "123.664" not in text and "ever" not in text


def test_progress_bar_has_eta_and_pages_per_second() -> None:
    from rich.console import Console

    from pipeline.process import FileOutcome
    from pipeline.report import RunProgress

    console = Console(width=160, force_terminal=True, record=True)
    logged: list[str] = []
    with RunProgress(2, logged.append, bar=True, console=console) as progress:
        progress.advance(FileOutcome(path="/a.pdf", name="a.pdf", state="loaded", pages=4))
        progress._progress.refresh()  # type: ignore[union-attr]
        shown = console.export_text()
    assert "1/2" in shown and "pages/s" in shown and "ETA" in shown and not logged
    lines: list[str] = []
    with RunProgress(1, lines.append, bar=False) as plain:
        plain.advance(FileOutcome(path="/a.pdf", name="a.pdf", state="loaded", pages=4))
    assert lines == ["[1/1] loaded a.pdf: 0 activities, 0 outline items"]
