"""Configuration in one place: file < QMETL_* env < flags; unknown keys and bad values rejected clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, Settings, absolute_paths, load_settings


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_pyproject_table_then_env_then_flags(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.qmetl]\ndb = "sqlite:///a.db"\nworkers = 3\nschedule = "0 4 * * *"\n')
    s = load_settings(cwd=tmp_path, env={})
    assert (s.db, s.workers, s.schedule) == ("sqlite:///a.db", 3, "0 4 * * *")
    s = load_settings(cwd=tmp_path, env={"QMETL_WORKERS": "5", "QMETL_CACHE": "false"})
    assert (s.workers, s.cache, s.db) == (5, False, "sqlite:///a.db")
    s = load_settings(cwd=tmp_path, env={"QMETL_WORKERS": "5"}, workers=7, executor="processes")
    assert (s.workers, s.executor) == (7, "processes")


def test_qmetl_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.qmetl]\nworkers = 3\n')
    _write(tmp_path, "qmetl.toml", 'workers = 4\ntimezone = "Asia/Shanghai"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    s = load_settings(cwd=sub, env={})
    assert (s.workers, s.timezone) == (4, "Asia/Shanghai")


def test_explicit_config_file_and_qmetl_config_env(tmp_path: Path) -> None:
    cfg = _write(tmp_path, "nightly.toml", 'dask_address = "tcp://10.0.0.5:8786"\nretries = 5\n')
    assert load_settings(cwd=tmp_path, env={}, config=cfg).dask_address == "tcp://10.0.0.5:8786"
    assert load_settings(cwd=tmp_path, env={"QMETL_CONFIG": str(cfg)}).retries == 5
    with pytest.raises(ConfigError, match="not found"):
        load_settings(cwd=tmp_path, env={}, config=tmp_path / "missing.toml")


def test_unknown_key_is_rejected_with_the_known_keys(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.qmetl]\nworkres = 2\n')
    with pytest.raises(ConfigError) as err:
        load_settings(cwd=tmp_path, env={})
    msg = str(err.value)
    assert "workres" in msg and "pyproject.toml" in msg and "workers" in msg


@pytest.mark.parametrize(("text", "fragment"), [
    ('workers = "two"', "workers must be int"),
    ("workers = 0", "workers must be >= 1"),
    ('executor = "gpu"', "executor must be one of threads, processes"),
    ('schedule = "nightly"', "schedule must be a cron expression"),
    ('dask_address = "10.0.0.5"', "dask_address must be a scheduler URL"),
    ("cache = 1", "cache must be bool"),
    ('log_level = "LOUD"', "log_level must be one of"),
])
def test_bad_values_name_the_key_and_the_expectation(tmp_path: Path, text: str, fragment: str) -> None:
    _write(tmp_path, "qmetl.toml", text + "\n")
    with pytest.raises(ConfigError, match=fragment):
        load_settings(cwd=tmp_path, env={})


def test_bad_env_values_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="QMETL_WORKERS"):
        load_settings(cwd=tmp_path, env={"QMETL_WORKERS": "many"})
    with pytest.raises(ConfigError, match="QMETL_FORCE"):
        load_settings(cwd=tmp_path, env={"QMETL_FORCE": "perhaps"})


def test_unrelated_qmetl_env_vars_are_ignored(tmp_path: Path) -> None:
    assert load_settings(cwd=tmp_path, env={"QMETL_CORPUS": "/somewhere"}) == Settings()


def test_absolute_paths_for_deployments(tmp_path: Path) -> None:
    s = absolute_paths(Settings(db="sqlite:///data/qm.db", raw="in", quarantine="q"), base=tmp_path)
    assert s.db == f"sqlite:///{tmp_path / 'data' / 'qm.db'}"
    assert (s.raw, s.quarantine) == (str(tmp_path / "in"), str(tmp_path / "q"))
    pg = "postgresql+psycopg://u@h/qm"
    assert absolute_paths(Settings(db=pg), base=tmp_path).db == pg


def test_precedence_defaults_pyproject_qmetl_toml_env_flags(tmp_path: Path) -> None:
    """Each level overrides the one below it, one setting per level to show which one won."""
    _write(tmp_path, "pyproject.toml", '[tool.qmetl]\nworkers = 2\nretries = 3\nbatch_size = 4\ntimezone = "Asia/Urumqi"\n')
    assert load_settings(cwd=tmp_path, env={}).as_dict() == {
        **Settings().as_dict(), "workers": 2, "retries": 3, "batch_size": 4, "timezone": "Asia/Urumqi"}
    _write(tmp_path, "qmetl.toml", "workers = 5\nretries = 6\nbatch_size = 7\n")  # replaces the pyproject table
    env = {"QMETL_WORKERS": "8", "QMETL_RETRIES": "9", "QMETL_OCR_THREADS": "2", "QMETL_PDF_CHARS": "pdfminer"}
    s = load_settings(cwd=tmp_path, env=env, workers=10)
    assert (s.workers, s.retries, s.batch_size, s.timezone) == (10, 9, 7, "UTC")
    assert (s.ocr_threads, s.pdf_chars) == (2, "pdfminer")


def test_settings_alone_are_the_defaults_whatever_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMETL_WORKERS", "4")
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "qmetl.toml", "retries = 7\n")
    assert Settings() == Settings(workers=1, retries=2)
    assert (load_settings().workers, load_settings().retries) == (4, 7)


def test_reader_settings_are_checked_and_passed_down_not_read_by_the_extractors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors.options import ReadOptions
    from extractors.readers.pdf import PdfSettings
    from pipeline.guards import read_options

    with pytest.raises(ConfigError, match="pdf_chars must be one of pdfium, pdfminer, got 'mupdf'"):
        load_settings(cwd=tmp_path, env={"QMETL_PDF_CHARS": "mupdf"})
    with pytest.raises(ConfigError, match="QMETL_OCR_THREADS='all'"):
        load_settings(cwd=tmp_path, env={"QMETL_OCR_THREADS": "all"})
    with pytest.raises(ConfigError, match="ocr_threads must be >= 0"):
        Settings(ocr_threads=-1)
    monkeypatch.setenv("QMETL_PDF_CHARS", "pdfminer")
    assert PdfSettings().char_source == "pdfium"
    assert read_options(Settings(pdf_chars="pdfminer", ocr_threads=3)) == ReadOptions("pdfminer", 3)


def test_with_overrides_validates() -> None:
    assert Settings().with_overrides(workers=3, db=None).workers == 3
    with pytest.raises(ConfigError, match="workers must be int, got 'x'"):
        Settings().with_overrides(workers="x")


def test_the_pdf_char_source_setting_reaches_the_pdf_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import extractors.readers.pdf_ocr as pdf_ocr
    from pipeline.guards import read_options
    from pipeline.stages import analyze_file

    seen: list[str] = []
    real = pdf_ocr.read_pdf

    def spy(path: Path, settings: object = None) -> object:
        seen.append(getattr(settings, "char_source", "default"))
        return real(path, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_ocr, "read_pdf", spy)
    pdf = Path(__file__).resolve().parents[1] / "data" / "raw" / "jiuyuan_2017_district.pdf"
    a = analyze_file(str(pdf), options=read_options(Settings(pdf_chars="pdfminer")))
    b = analyze_file(str(pdf))
    assert seen == ["pdfminer", "pdfium"]
    assert a.parsed is not None and b.parsed is not None and len(a.parsed.activities) == len(b.parsed.activities) == 13
