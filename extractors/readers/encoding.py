"""Decode bytes of unknown encoding by evidence: BOM, then what the source declares, then detection.

Chinese government text files and pages are UTF-8 (with or without BOM), UTF-16 with BOM, or
GBK/GB18030 (GB18030 is a superset of GBK and GB2312, so it decodes all three). Order of trust:
a BOM; an HTTP ``Content-Type`` header; the page's own ``<meta charset>``; detection. A declared
charset is only believed when it decodes the bytes cleanly: one that fails or produces replacement
characters loses to detection (pages are often mislabelled ``utf-8`` while saved as GBK). Valid
UTF-8 with non-ASCII text is itself strong evidence (legacy GBK text is almost never valid UTF-8),
so it beats a declared GBK label that would turn it into mojibake.
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
_DETECTED = ("utf-8", "gb18030", "big5")
MAX_DAMAGE = 0.002  # at most this share of replacement characters in a damaged but readable file


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # "bom", "header", "declared", "strict", "damaged", "guessed"
    replaced: int = 0  # characters that could not be decoded (U+FFFD in ``text``)


class UndecodableError(ValueError):
    """No encoding decodes the bytes cleanly."""


def decode_bytes(data: bytes, declared: str | None = None, header: str | None = None) -> Decoded:
    """Decode ``data``: a BOM wins; then ``header`` (HTTP charset), then ``declared`` (meta charset),
    each only if it decodes strictly and UTF-8 evidence does not contradict it; then strict UTF-8,
    GB18030, Big5; then the candidate with the fewest replacement characters when they are few
    (a damaged byte or two); finally charset-normalizer's guess."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(enc, errors="replace")
            return Decoded(text, enc, "bom", text.count("\ufffd"))
    utf8 = _strict(data, "utf-8")
    for label, how in ((header, "header"), (declared, "declared")):
        canon = _canonical(label) if label else None
        if canon is None:
            continue
        got = _strict(data, canon)
        if got is not None and _plausible(got) and not _contradicted(canon, utf8, data):
            return Decoded(got, canon, how)
    for enc in _DETECTED:
        got = utf8 if enc == "utf-8" else _strict(data, enc)
        if got is not None and _plausible(got):
            return Decoded(got, enc, "strict")
    damaged = least_damaged(data, [_canonical(x) for x in (header, declared) if x] + list(_DETECTED))
    if damaged is not None:
        return damaged
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UndecodableError("no text encoding decodes this file (tried BOM, the declared charset, UTF-8, "
                               "GB18030, Big5)")
    return Decoded(str(best), best.encoding, "guessed")


def least_damaged(data: bytes, encodings: list[str]) -> Decoded | None:
    """The decoding with the fewest replacement characters, if at most MAX_DAMAGE of the text."""
    best: Decoded | None = None
    for enc in dict.fromkeys(encodings):
        try:
            text = data.decode(enc, errors="replace")
        except LookupError:
            continue
        bad = text.count("\ufffd")
        if _plausible(text) and (best is None or bad < best.replaced):
            best = Decoded(text, enc, "damaged", bad)
    if best is None or best.replaced > max(1, int(len(best.text) * MAX_DAMAGE)):
        return None
    return best


def _canonical(name: str) -> str:
    """GB2312 and GBK labels are decoded as GB18030, their superset (pages mislabel them)."""
    key = name.strip().strip("\"'").lower().replace("_", "-")
    if key.replace("-", "") in ("gb2312", "gbk", "gb18030", "cp936", "euccn", "xgbk"):
        return "gb18030"
    try:
        return codecs.lookup(key).name
    except LookupError:
        return key


def _contradicted(enc: str, utf8: str | None, data: bytes) -> bool:
    """A legacy label on bytes that are valid UTF-8 with non-ASCII text: the bytes win."""
    return enc != "utf-8" and utf8 is not None and not data.isascii()


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _plausible(text: str) -> bool:
    """Reject decodings full of control characters (binary read as a legacy codepage)."""
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return control <= max(1, len(text) // 100)
