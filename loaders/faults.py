"""Fault injection for crash tests: ``QMETL_FAULT=POINT:N`` kills the process at the N-th pass.

Used by the tests that prove per-document atomicity (a SIGKILL in the middle of loading a
document must leave nothing of it). Unset in production, where ``fault_point`` is a no-op.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_passes: Counter[str] = Counter()


def fault_point(name: str) -> None:
    spec = os.environ.get("QMETL_FAULT")
    if not spec:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    _passes[name] += 1
    if _passes[name] >= int(nth or "1"):
        os.kill(os.getpid(), signal.SIGKILL)
