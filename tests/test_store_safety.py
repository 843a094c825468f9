"""The store under crashes, concurrent runs and schema changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool
from typer.testing import CliRunner

from bench import faultpoints
from loaders.db import (
    ENGINES_KEPT,
    alembic_config,
    close_engines,
    current_revision,
    downgrade,
    get_engine,
    upgrade,
)
from loaders.digest import table_digests
from loaders.export import export_json
from loaders.models import ActivityRow, Base, Document, Organization, SourceFile
from pipeline.config import Settings
from pipeline.run import run_batch
from tests.conftest import ROOT

FILES = ("cmqa_2020_industry.docx", "jiangsu_2010_provincial.docx", "suzhou_2020_municipal.docx",
         "tianjin_2020_provincial.docx")


def _src(raw_dir: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in FILES:
        shutil.copyfile(raw_dir / n, dest / n)
    return dest


def _batch(url: str, src: Path, tmp: Path, fault: str | None = None) -> subprocess.Popen[str]:
    """A plain ingest run in its own process (what two schedulers or a crash would look like); with
    ``fault`` (``POINT:N``) it is killed at that checkpoint (bench/faultpoints.py)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "QMETL_QUARANTINE": str(tmp / "q")}
    command = (faultpoints.argv(fault, "batch", url, str(src)) if fault
               else [sys.executable, "-m", "pipeline.run", url, str(src)])
    return subprocess.Popen(command, cwd=tmp, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _export(url: str, out: Path) -> dict[str, bytes]:
    export_json(get_engine(url), out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _reference_export(raw_dir: Path, tmp: Path) -> dict[str, bytes]:
    url = f"sqlite:///{tmp / 'reference.db'}"
    run_batch(Settings(db=url, quarantine=str(tmp / "q")), [str(_src(raw_dir, tmp / "raw"))])
    return _export(url, tmp / "reference")


@pytest.mark.slow
def test_kill_mid_load_leaves_no_half_document(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = _src(raw_dir, tmp_path / "raw")
    proc = _batch(store_url, src, tmp_path, "load.mid:2")  # SIGKILL inside the 2nd document
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == -signal.SIGKILL, out
    with Session(get_engine(store_url)) as s:
        states = dict(s.execute(select(SourceFile.name, SourceFile.state)).all())
        assert states == {FILES[0]: "loaded"}, "the killed document's file row rolled back with it"
        assert {d.source_file_id for d in s.scalars(select(Document))} == set(s.scalars(select(SourceFile.id)))
    rerun = _batch(store_url, src, tmp_path)
    assert rerun.wait(timeout=300) == 0, rerun.communicate()[0]
    assert _export(store_url, tmp_path / "after") == _reference_export(raw_dir, tmp_path)


@pytest.mark.slow
def test_two_runs_at_once_neither_duplicate_nor_corrupt(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = _src(raw_dir, tmp_path / "raw")
    upgrade(store_url)  # one of the two would do it; the other would wait on the migration lock
    runs = [_batch(store_url, src, tmp_path) for _ in range(2)]
    outputs = [r.communicate(timeout=600)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    with Session(get_engine(store_url)) as s:
        names = list(s.scalars(select(Organization.name)))
        assert len(names) == len(set(names)) > 10
        assert s.scalar(select(func.count()).select_from(SourceFile)) == len(FILES)
        activities = s.scalar(select(func.count()).select_from(ActivityRow))
    reference = _reference_export(raw_dir, tmp_path)
    with Session(get_engine(f"sqlite:///{tmp_path / 'reference.db'}")) as s:
        assert activities == s.scalar(select(func.count()).select_from(ActivityRow)) > 100
    assert _export(store_url, tmp_path / "after") == reference


@pytest.mark.slow
def test_two_first_runs_at_once_migrate_once(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    src = tmp_path / "one"
    src.mkdir()
    shutil.copyfile(raw_dir / FILES[0], src / FILES[0])
    runs = [_batch(store_url, src, tmp_path) for _ in range(2)]
    outputs = [r.communicate(timeout=300)[0] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert current_revision(store_url) == ScriptDirectory.from_config(alembic_config(store_url)).get_current_head()


def test_migrations_and_models_agree(store_url: str) -> None:
    upgrade(store_url)
    with get_engine(store_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_db_upgrade_command_migrates_an_empty_store(store_url: str) -> None:
    from flows import app

    assert current_revision(store_url) is None
    result = CliRunner().invoke(app, ["db", "upgrade", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert current_revision(store_url) == ScriptDirectory.from_config(alembic_config(store_url)).get_current_head()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    with get_engine(sqlite_url).connect() as conn:
        pragmas = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "busy_timeout",
                                                                             "foreign_keys")}
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 60000, "foreign_keys": 1}


def test_closing_the_engines_folds_the_write_ahead_log_into_the_file(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(sqlite_url)
    with get_engine(sqlite_url).begin() as conn:
        conn.exec_driver_sql("INSERT INTO categories (code, name_zh, description) VALUES ('x', '甲', 'a test row')")
    wal = tmp_path / "store.db-wal"
    assert wal.exists(), "a pooled connection keeps the log beside the file"
    close_engines()
    assert not wal.exists()
    alone = tmp_path / "alone" / "store.db"
    alone.parent.mkdir()
    shutil.copy2(tmp_path / "store.db", alone)
    with get_engine(f"sqlite:///{alone}").connect() as conn:
        assert conn.exec_driver_sql("SELECT name_zh FROM categories WHERE code = 'x'").scalar() == "甲"
    with get_engine(sqlite_url).connect() as conn:  # opened anew after the close
        assert conn.exec_driver_sql("SELECT count(*) FROM categories WHERE code = 'x'").scalar() == 1


def test_one_engine_per_url_and_only_the_newest_kept_open(tmp_path: Path) -> None:
    urls = [f"sqlite:///{tmp_path / f'{i}.db'}" for i in range(ENGINES_KEPT + 1)]
    first = get_engine(urls[0])
    assert get_engine(urls[0]) is first
    with first.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    pool = first.pool
    assert isinstance(pool, QueuePool) and pool.checkedin() == 1
    for url in urls[1:]:
        get_engine(url)
    assert pool.checkedin() == 0, "the oldest engine's connections are closed"
    assert get_engine(urls[0]) is not first, "and a new engine made when it is asked for again"
    with first.connect() as conn:  # whoever still holds it can go on using it
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


def test_migrating_down_and_up_keeps_every_row(raw_dir: Path, store_url: str, tmp_path: Path) -> None:
    """SQLite re-makes tables in batch migrations: with foreign keys on, that would cascade-delete."""
    run_batch(Settings(db=store_url, quarantine=str(tmp_path / "q")), [str(raw_dir / FILES[0])])
    children = ("documents", "outline_items", "activities", "activity_organizers", "document_references")
    before = {t: n for t, (n, _) in table_digests(get_engine(store_url)).items() if t in children}
    assert before["activities"] > 0 and before["activity_organizers"] > 0
    downgrade(store_url, "0001")
    assert current_revision(store_url) == "0001"
    upgrade(store_url)
    after = {t: n for t, (n, _) in table_digests(get_engine(store_url)).items() if t in children}
    assert after == before
