"""Configuration in one place.

Priority, lowest first: defaults < ``[tool.qmetl]`` in pyproject.toml, or a ``qmetl.toml``
(found in the working directory or a parent), or the file named by ``--config`` /
``QMETL_CONFIG`` < ``QMETL_<NAME>`` environment variables < command-line flags.
Unknown keys in a file are rejected with the list of known ones; every value is type-checked.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DB = "sqlite:///data/processed/quality_month.db"
EXECUTORS = ("threads", "processes")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting that is unknown or has a bad value; the message names the source and the key."""


@dataclass(frozen=True)
class Settings:
    raw: str = "data/raw"
    db: str = DEFAULT_DB
    quarantine: str = ""  # "": a `quarantine` folder next to the store (see quarantine_dir)
    workers: int = 1
    batch_size: int = 32
    executor: str = "threads"
    dask_address: str | None = None
    strict: bool = False
    force: bool = False
    cache: bool = True
    retries: int = 2
    retry_backoff: float = 2.0
    ocr: bool = True
    max_pages: int = 2000
    max_file_mb: int = 100
    max_unzipped_mb: int = 100
    max_markup_mb: int = 20
    file_timeout: float = 1800.0
    file_memory_mb: int = 2048
    query_timeout: float = 60.0
    list_any_path: bool = False
    log_level: str = "INFO"
    schedule: str = "0 2 * * *"
    timezone: str = "UTC"
    deployment: str = "nightly"

    def __post_init__(self) -> None:
        for problem in _problems(self):
            raise ConfigError(problem)

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _problems(s: Settings) -> list[str]:
    typed = [p for p in (_type_problem(f.name, f.type, getattr(s, f.name)) for f in fields(s)) if p]
    if typed:
        return typed
    checks = [
        (s.workers >= 1, f"workers must be >= 1, got {s.workers}"),
        (s.batch_size >= 1, f"batch_size must be >= 1, got {s.batch_size}"),
        (s.max_pages >= 1, f"max_pages must be >= 1, got {s.max_pages}"),
        (s.max_file_mb >= 1, f"max_file_mb must be >= 1, got {s.max_file_mb}"),
        (s.max_unzipped_mb >= 1, f"max_unzipped_mb must be >= 1, got {s.max_unzipped_mb}"),
        (s.max_markup_mb >= 1, f"max_markup_mb must be >= 1, got {s.max_markup_mb}"),
        (s.file_timeout >= 0, f"file_timeout must be >= 0 seconds (0: no limit), got {s.file_timeout}"),
        (s.file_memory_mb >= 64, f"file_memory_mb must be >= 64, got {s.file_memory_mb}"),
        (s.query_timeout >= 0, f"query_timeout must be >= 0 seconds (0: no limit), got {s.query_timeout}"),
        (s.retries >= 0, f"retries must be >= 0, got {s.retries}"),
        (s.executor in EXECUTORS, f"executor must be one of {', '.join(EXECUTORS)}, got {s.executor!r}"),
        (str(s.log_level).upper() in LOG_LEVELS,
         f"log_level must be one of {', '.join(LOG_LEVELS)}, got {s.log_level!r}"),
        (len(str(s.schedule).split()) in (5, 6), f"schedule must be a cron expression like '0 2 * * *', "
                                                 f"got {s.schedule!r}"),
        (s.dask_address is None or "://" in str(s.dask_address),
         f"dask_address must be a scheduler URL like tcp://host:8786, got {s.dask_address!r}"),
    ]
    return [msg for ok, msg in checks if not ok]


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "bool": (bool,), "float": (float, int), "str | None": (str, type(None)),
}


def _type_problem(name: str, kind: Any, value: Any) -> str | None:
    allowed = _TYPES[str(kind)]
    if isinstance(value, bool) and bool not in allowed:
        return f"{name} must be {kind}, got {value!r}"
    return None if isinstance(value, allowed) else f"{name} must be {kind}, got {value!r}"


def field_names() -> list[str]:
    return [f.name for f in fields(Settings)]


def _coerce(name: str, value: str) -> Any:
    kind = str({f.name: f.type for f in fields(Settings)}[name])
    raw = value.strip()
    if kind == "bool":
        if raw.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ConfigError(f"QMETL_{name.upper()}={value!r}: expected true/false")
        return raw.lower() in ("1", "true", "yes", "on")
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(f"QMETL_{name.upper()}={value!r}: expected a number ({kind})") from None
    return None if kind == "str | None" and raw == "" else value


def read_config_file(path: Path) -> dict[str, Any]:
    """Settings of a TOML file: ``[tool.qmetl]`` of a pyproject.toml, else the file's top-level keys."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc})") from exc
    if "tool" in data or path.name == "pyproject.toml":
        return _checked(dict(data.get("tool", {}).get("qmetl", {})), f"{path} [tool.qmetl]")
    return _checked(data, str(path))


def _checked(values: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(values) - set(field_names()))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; "
                          f"known settings are {', '.join(field_names())}")
    return values


def find_config(start: Path) -> Path | None:
    """The nearest qmetl.toml, or pyproject.toml with a [tool.qmetl] table, from ``start`` upwards."""
    for folder in [start, *start.parents]:
        own = folder / "qmetl.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            return project
    return None


def env_settings(env: dict[str, str]) -> dict[str, Any]:
    return {n: _coerce(n, env[f"QMETL_{n.upper()}"]) for n in field_names() if f"QMETL_{n.upper()}" in env}


def load_settings(cwd: Path | None = None, env: dict[str, str] | None = None, config: Path | str | None = None,
                  **overrides: Any) -> Settings:
    """Settings from defaults, the config file, QMETL_* variables and ``overrides`` (flags; None = unset)."""
    env = dict(os.environ) if env is None else env
    chosen = config or env.get("QMETL_CONFIG")
    path = Path(chosen) if chosen else find_config(cwd or Path.cwd())
    if chosen and not Path(chosen).is_file():
        raise ConfigError(f"configuration file not found: {chosen}")
    values = read_config_file(path) if path else {}
    values.update(env_settings(env))
    try:
        return Settings(**values).with_overrides(**overrides)
    except TypeError as exc:
        raise ConfigError(f"bad settings: {exc}") from exc


def absolute_paths(settings: Settings, base: Path | None = None) -> Settings:
    """The same settings with relative folders and SQLite files made absolute (for deployments,
    whose runs may start in another working directory)."""
    base = base or Path.cwd()
    db = settings.db
    prefix = "sqlite:///"
    if db.startswith(prefix) and not db.startswith(prefix + "/") and db != prefix + ":memory:":
        db = prefix + str((base / db[len(prefix):]).resolve())
    quarantine = str((base / settings.quarantine).resolve()) if settings.quarantine else ""
    return replace(settings, db=db, raw=str((base / settings.raw).resolve()), quarantine=quarantine)


def quarantine_dir(settings: Settings) -> Path:
    """Where copies of failed inputs go: the ``quarantine`` setting, else a ``quarantine`` folder next
    to the SQLite file (``data/processed/quarantine`` for the default store), or for a server store
    one per database under ``~/.local/share/qmetl/quarantine`` — never the current directory."""
    if settings.quarantine:
        return Path(settings.quarantine)
    url = settings.db
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix) and url[len(prefix):] not in ("", ":memory:"):
            return Path(url[len(prefix):].split("?", 1)[0]).absolute().parent / "quarantine"
    rest = url.split("://", 1)[-1].rsplit("@", 1)[-1]
    slug = "".join(c if c.isalnum() or c in "-." else "_" for c in rest.split("?", 1)[0])
    return Path.home() / ".local" / "share" / "qmetl" / "quarantine" / slug
