"""Configuration in one place: defaults < pyproject [tool.qmetl] / qmetl.toml < QMETL_* env < flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DB = "sqlite:///data/processed/quality_month.db"


@dataclass(frozen=True)
class Settings:
    raw: str = "data/raw"
    db: str = DEFAULT_DB
    quarantine: str = "data/quarantine"
    workers: int = 1
    strict: bool = False
    force: bool = False
    ocr: bool = True
    max_pages: int = 2000
    max_file_mb: int = 100
    max_unzipped_mb: int = 100
    log_level: str = "INFO"
    schedule: str = "0 2 * * *"
    dask_address: str | None = None

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers}")
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be >= 1, got {self.max_pages}")
        if self.max_file_mb < 1 or self.max_unzipped_mb < 1:
            raise ValueError(f"max_file_mb and max_unzipped_mb must be >= 1, got {self.max_file_mb}, "
                             f"{self.max_unzipped_mb}")

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _coerce(name: str, value: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind in ("bool", bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if kind in ("int", int):
        return int(value)
    return value


def _file_settings(start: Path) -> dict[str, Any]:
    for folder in [start, *start.parents]:
        own = folder / "qmetl.toml"
        if own.is_file():
            return dict(tomllib.loads(own.read_text("utf-8")))
        project = folder / "pyproject.toml"
        if project.is_file():
            data = tomllib.loads(project.read_text("utf-8"))
            return dict(data.get("tool", {}).get("qmetl", {}))
    return {}


def load_settings(cwd: Path | None = None, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    env = dict(os.environ) if env is None else env
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {k: v for k, v in _file_settings(cwd or Path.cwd()).items() if k in names}
    for name in names:
        key = f"QMETL_{name.upper()}"
        if key in env:
            values[name] = _coerce(name, env[key])
    return Settings(**values).with_overrides(**overrides)
