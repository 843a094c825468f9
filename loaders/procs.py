"""Is that process still the one we started? (pid + start time: pids are reused). No heavy imports:
the entry point uses it before anything else is loaded."""

from __future__ import annotations

import os
from pathlib import Path


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux; 0 where unknown), None when gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0 if _exists(pid) else None
    fields = stat.rpartition(")")[2].split()
    return None if fields[0] == "Z" else int(fields[19])


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def alive(pid: int, started: int | None = None) -> bool:
    """Whether ``pid`` runs and, with ``started``, is still the process that started then."""
    current = start_time(pid)
    return current is not None and (not started or not current or current == started)
