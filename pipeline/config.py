"""Configuration in one place, on pydantic-settings.

Priority, lowest first: defaults < the TOML file — ``--config`` / ``QMETL_CONFIG``, else the nearest
``qmetl.toml`` (top-level keys) or ``pyproject.toml`` (its ``[tool.qmetl]`` table) in the working
directory or a parent, the first folder holding either; ``qmetl.toml`` wins in the same folder —
< ``QMETL_<NAME>`` environment variables < command-line flags. Each level is a pydantic-settings
source (init arguments, environment, TOML / pyproject TOML), merged by pydantic-settings in that
order; ``Settings(...)`` alone is the defaults and its arguments (only ``load_settings`` adds the
file and the environment). Unknown keys in a file are rejected with the list of known ones; every
value is type-checked strictly (``workers = "two"``, ``cache = 1`` are errors) and range-checked.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)
from pydantic_settings.sources.utils import parse_env_vars

DEFAULT_DB = "sqlite:///data/processed/quality_month.db"
EXECUTORS = ("threads", "processes")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ENV_PREFIX = "QMETL_"
TOOL_TABLE = ("tool", "qmetl")  # the table of a pyproject.toml that holds the settings

# The sources ``load_settings`` adds below the init arguments (flags) while it builds one Settings.
_SOURCES: ContextVar[tuple[PydanticBaseSettingsSource, ...]] = ContextVar("qmetl_settings_sources", default=())


class ConfigError(ValueError):
    """A setting that is unknown or has a bad value; the message names the source and the key."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid", strict=True)

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
    pdf_chars: str = "pdfium"  # the PDF reader's char source: pdfium, or pdfminer (the reference)
    ocr_threads: int = 0  # onnxruntime threads of the OCR engine; 0: the cores this process may run on

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, *_SOURCES.get())

    @model_validator(mode="after")
    def _in_range(self) -> Settings:
        for problem in _problems(self):
            raise ValueError(problem)
        return self

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise _config_error(exc) from None

    def with_overrides(self, **overrides: Any) -> Settings:
        given = {k: v for k, v in overrides.items() if v is not None}
        return Settings(**{**self.as_dict(), **given}) if given else self

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


def _problems(s: Settings) -> list[str]:
    from extractors.options import CHAR_SOURCES

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
        (s.pdf_chars in CHAR_SOURCES, f"pdf_chars must be one of {', '.join(CHAR_SOURCES)}, got {s.pdf_chars!r}"),
        (s.ocr_threads >= 0, f"ocr_threads must be >= 0 (0: the cores this process may use), got {s.ocr_threads}"),
    ]
    return [msg for ok, msg in checks if not ok]


def field_names() -> list[str]:
    return list(Settings.model_fields)


def _kind(name: str) -> str:
    annotation = Settings.model_fields[name].annotation
    return getattr(annotation, "__name__", str(annotation))


def _config_error(exc: ValidationError) -> ConfigError:
    """The first problem of a validation, in the words of the README: the key, the value, what was expected."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "value_error":
        return ConfigError(str(error["ctx"]["error"]))
    if error["type"] == "extra_forbidden":
        return ConfigError(f"unknown setting {name}; known settings are {', '.join(field_names())}")
    return ConfigError(f"{name} must be {_kind(name)}, got {error['input']!r}")


def _coerce(name: str, value: str) -> Any:
    """A ``QMETL_<NAME>`` string as the setting's type (strict validation takes no strings for numbers)."""
    kind = _kind(name)
    raw = value.strip()
    if kind == "bool":
        if raw.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ConfigError(f"{ENV_PREFIX}{name.upper()}={value!r}: expected true/false")
        return raw.lower() in ("1", "true", "yes", "on")
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}={value!r}: expected a number ({kind})") from None
    return None if kind == "str | None" and raw == "" else value


class _Environment(EnvSettingsSource):
    """``QMETL_<NAME>`` variables of a given mapping (``os.environ`` unless a caller passes another),
    each converted to its setting's type; other ``QMETL_*`` variables (``QMETL_CONFIG``…) are not settings."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._given = env
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._given, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str)

    def prepare_field_value(self, field_name: str, field: FieldInfo, value: Any, value_is_complex: bool) -> Any:
        return None if value is None else _coerce(field_name, value)


def _file_source(path: Path) -> PydanticBaseSettingsSource | None:
    """The settings of a TOML file: ``[tool.qmetl]`` of a pyproject.toml (None when it has none), else
    the file's top-level keys."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration ({exc})") from exc
    if "tool" in data or path.name == "pyproject.toml":
        if not isinstance(data.get("tool", {}).get("qmetl"), dict):
            return None
        source, where = TomlConfigSettingsSource(Settings, path, TOOL_TABLE), f"{path} [tool.qmetl]"
    else:
        source, where = TomlConfigSettingsSource(Settings, path), str(path)
    unknown = sorted(set(source.toml_data) - set(field_names()))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}; "
                          f"known settings are {', '.join(field_names())}")
    return source


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings a TOML file sets (checked for unknown keys), as a dict."""
    source = _file_source(path)
    return dict(source()) if source else {}


def find_config(start: Path) -> Path | None:
    """The nearest qmetl.toml, or pyproject.toml, from ``start`` upwards."""
    for folder in [start, *start.parents]:
        own = folder / "qmetl.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            return project
    return None


@contextmanager
def _sources(*sources: PydanticBaseSettingsSource) -> Iterator[None]:
    token = _SOURCES.set(sources)
    try:
        yield
    finally:
        _SOURCES.reset(token)


def load_settings(cwd: Path | None = None, env: Mapping[str, str] | None = None, config: Path | str | None = None,
                  **overrides: Any) -> Settings:
    """Settings from defaults, the config file, QMETL_* variables and ``overrides`` (flags; None = unset)."""
    env = dict(os.environ) if env is None else env
    chosen = config or env.get("QMETL_CONFIG")
    if chosen and not Path(chosen).is_file():
        raise ConfigError(f"configuration file not found: {chosen}")
    path = Path(chosen) if chosen else find_config(cwd or Path.cwd())
    layers: list[PydanticBaseSettingsSource] = [_Environment(Settings, env)]
    file_source = _file_source(path) if path else None
    if file_source:
        layers.append(file_source)
    flags = {k: v for k, v in overrides.items() if v is not None}
    unknown = sorted(set(flags) - set(field_names()))
    if unknown:
        raise ConfigError(f"bad settings: unknown setting(s) {', '.join(unknown)}")
    try:
        with _sources(*layers):
            return Settings(**flags)
    except SettingsError as exc:
        if isinstance(exc.__cause__, ConfigError):
            raise exc.__cause__ from None
        raise ConfigError(str(exc)) from exc


def absolute_paths(settings: Settings, base: Path | None = None) -> Settings:
    """The same settings with relative folders and SQLite files made absolute (for deployments,
    whose runs may start in another working directory)."""
    base = base or Path.cwd()
    db = settings.db
    prefix = "sqlite:///"
    if db.startswith(prefix) and not db.startswith(prefix + "/") and db != prefix + ":memory:":
        db = prefix + str((base / db[len(prefix):]).resolve())
    quarantine = str((base / settings.quarantine).resolve()) if settings.quarantine else ""
    return settings.with_overrides(db=db, raw=str((base / settings.raw).resolve()), quarantine=quarantine)


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
