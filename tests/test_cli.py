"""The CLI: every command works from --help and is documented in the README (sqlite-utils style)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from flows import app
from tests.conftest import ROOT

runner = CliRunner()


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = [prefix + (c.name or c.callback.__name__).replace("_", "-") for c in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        names += _commands(group.typer_instance, prefix + (group.name or "") + " ")
    return names


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [c for c in _commands(app) if f"qmetl {c}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_command_has_help() -> None:
    for cmd in _commands(app):
        result = runner.invoke(app, [*cmd.split(), "--help"])
        assert result.exit_code == 0, (cmd, result.output)


def test_status_lists_files(raw_dir: Path, sqlite_url: str, tmp_path: Path) -> None:
    from pipeline.config import Settings
    from pipeline.process import process_file
    from pipeline.run import prepare_store

    settings = Settings(db=sqlite_url, quarantine=str(tmp_path / "q"))
    prepare_store(settings)
    process_file(str(raw_dir / "jiangsu_2010_provincial.docx"), settings, "l1")
    result = runner.invoke(app, ["status", "--db", sqlite_url, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["state"] == "loaded" and rows[0]["name"] == "jiangsu_2010_provincial.docx"
