"""Digests of the store's tables: proof that a rerun changed no row (tests and bench/rerun.py)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Engine, select

from loaders.models import Base

# The run log grows by one row per run by design; every other table must not change on a rerun.
RUN_LOG_TABLES = frozenset({"runs"})


def _row_text(row: Any) -> str:
    return json.dumps(list(row), ensure_ascii=False, sort_keys=True, default=str)


def table_digests(engine: Engine, exclude: frozenset[str] = RUN_LOG_TABLES) -> dict[str, tuple[int, str]]:
    """``{table: (row count, sha256 of every row in primary-key order)}``."""
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in exclude:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            h, n = hashlib.sha256(), 0
            for row in conn.execute(select(table).order_by(*order)):
                h.update(_row_text(row).encode("utf-8") + b"\n")
                n += 1
            out[table.name] = (n, h.hexdigest())
    return out
