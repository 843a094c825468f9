"""Abbreviations a notice defines itself: …委员会（以下简称市市场监管委）, …局（简称“区住建局”）.

Such a definition binds for that notice and beats every general rule. The defined body is the
longest tail of the words before the bracket that resolves to a body in the notice's context.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_DEFINITION = re.compile(
    r"(?P<before>[\u4e00-\u9fa5（）()]{2,60}?)\s*[（(][^（）()]{0,6}?(?:以下|下文)?(?:统称|简称|称)为?[：:]?\s*"
    r"[“\"「]?(?P<short>[\u4e00-\u9fa5]{2,14})[”\"」]?[）)]")
_INLINE = re.compile(r"(?P<before>[\u4e00-\u9fa5]{2,60}?)[，,]\s*(?:以下)?简称[“\"「]?(?P<short>[\u4e00-\u9fa5]{2,14})[”\"」]?")
_BREAK = re.compile(r"[，,。；;：:、\s]")


def find_definitions(text: str, resolves: Callable[[str], bool]) -> dict[str, str]:
    """short → full name for every definition in ``text`` whose full name ``resolves`` to a body."""
    out: dict[str, str] = {}
    for pattern in (_DEFINITION, _INLINE):
        for m in pattern.finditer(text):
            short = m.group("short")
            if short in out:
                continue
            full = _body_before(m.group("before"), resolves)
            if full and full != short:
                out[short] = full
    return out


def _body_before(before: str, resolves: Callable[[str], bool]) -> str | None:
    """The longest tail of ``before`` (within its clause) that names a body."""
    clause = _BREAK.split(before)[-1]
    for start in range(len(clause) - 1):
        tail = clause[start:]
        if len(tail) >= 3 and resolves(tail):
            return tail
    return None
