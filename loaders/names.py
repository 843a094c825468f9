"""File names of any bytes, stored and shown losslessly.

POSIX file names are bytes; Python hands names that are not valid UTF-8 over as ``str`` with lone
surrogates (``os.fsdecode``'s surrogateescape), which no UTF-8 database column, JSON document or
terminal accepts. ``storable`` keeps every valid name as it is and writes an invalid one with its
undecodable bytes as ``\\xNN`` and its backslashes doubled; ``os_name`` turns that form back into
the exact name the file system holds. One escaped form serves the store, the exports, the logs
and the summary.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

_ESCAPE = re.compile(r"\\(\\|x[0-9a-fA-F]{2})")


def storable(text: str) -> str:
    """``text`` unchanged when it is valid Unicode, else its escaped form (see the module)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    raw = text.encode("utf-8", "surrogateescape") if _only_escapes(text) else text.encode("utf-8", "surrogatepass")
    out: list[str] = []
    i = 0
    while i < len(raw):
        try:
            chunk = raw[i:].decode("utf-8")
            out.append(chunk.replace("\\", "\\\\"))
            break
        except UnicodeDecodeError as exc:
            out.append(raw[i:i + exc.start].decode("utf-8").replace("\\", "\\\\"))
            out.extend(f"\\x{b:02x}" for b in raw[i + exc.start:i + exc.end])
            i += exc.end
    return "".join(out)


def _only_escapes(text: str) -> bool:
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in text)


def is_escaped(text: str) -> bool:
    """Whether ``text`` may be an escaped form (then ``os_name`` gives the real name)."""
    return "\\x" in text or "\\\\" in text


def os_name(stored: str) -> str:
    """The name on the file system for a ``storable`` form of an invalid name (a valid name is itself)."""
    if not is_escaped(stored) or Path(stored).exists():
        return stored
    raw = bytearray()
    pos = 0
    for m in _ESCAPE.finditer(stored):
        raw += stored[pos:m.start()].encode("utf-8")
        raw += b"\\" if m.group(1) == "\\" else bytes([int(m.group(1)[1:], 16)])
        pos = m.end()
    raw += stored[pos:].encode("utf-8")
    return os.fsdecode(bytes(raw))


def storable_tree(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings) with every string made ``storable``."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(str(k)): storable_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable_tree(v) for v in value]
    return value
