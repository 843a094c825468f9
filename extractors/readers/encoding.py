"""Decode bytes of unknown encoding: BOM, then strict UTF-8, then GB18030, then charset-normalizer.

Chinese government text files are UTF-8 (with or without BOM), UTF-16 with BOM, or
GBK/GB18030 (GB18030 is a superset of GBK and GB2312, so it decodes all three).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CJK_FALLBACKS = ("gb18030", "big5")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # "bom", "declared", "strict", "guessed"


class UndecodableError(ValueError):
    """No encoding decodes the bytes cleanly."""


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``: a BOM wins, then ``declared`` (e.g. an HTML meta charset) if it
    decodes strictly, then UTF-8, GB18030, Big5, and finally charset-normalizer's guess."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(enc, errors="replace"), enc, "bom")
    if declared:
        got = _strict(data, _gb_superset(declared))
        if got is not None:
            return Decoded(got, _gb_superset(declared), "declared")
    for enc in ("utf-8", *_CJK_FALLBACKS):
        got = _strict(data, enc)
        if got is not None and _plausible(got):
            return Decoded(got, enc, "strict")
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableError("no text encoding decodes this file (tried BOM, UTF-8, GB18030, Big5)")
    return Decoded(str(best), best.encoding, "guessed")


def _gb_superset(name: str) -> str:
    """GB2312 and GBK labels are decoded as GB18030, their superset (pages mislabel them)."""
    return "gb18030" if name.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "gb18030") else name


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausible(text: str) -> bool:
    """Reject decodings full of control characters (binary read as a legacy codepage)."""
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return control <= max(1, len(text) // 100)
