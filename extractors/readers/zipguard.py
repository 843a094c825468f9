"""Zip containers (DOCX, OFD) measured by the bytes their members actually inflate to.

The sizes written in a zip's directory are whatever its maker wrote: a member can claim 1,000
bytes and inflate to a gigabyte, and Python's zipfile inflates a whole compressed chunk at once
before it compares. So each member's compressed stream is inflated here in bounded steps (1 MB
of output at a time) and counted, and the count stops as soon as it passes the limit: memory
stays at one step whatever the archive claims or holds.
"""

from __future__ import annotations

import bz2
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from extractors.errors import BadInputError, TooLargeError

STEP = 1 << 20  # bytes of output per inflation step
_READ = 1 << 16  # compressed bytes read at a time
_LOCAL_HEADER = 30


class ZipBombError(TooLargeError):
    code = "extract.zip_bomb"


def inflated_size(path: Path, limit: int) -> int:
    """Bytes the members of the zip at ``path`` inflate to, counted up to just past ``limit``."""
    total = 0
    with zipfile.ZipFile(path) as zf, path.open("rb") as fh:
        for info in zf.infolist():
            total += member_inflated(fh, info, limit - total)
            if total > limit:
                break
    return total


def member_inflated(fh: IO[bytes], info: zipfile.ZipInfo, budget: int) -> int:
    """Bytes one member inflates to (reading at most its stated compressed size), stopping past ``budget``."""
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL_HEADER)
    if len(header) < _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"member {info.filename!r}: no local header at offset {info.header_offset}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + _LOCAL_HEADER + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_STORED:
        return len(fh.read(min(info.compress_size, budget + 1)))
    inflater = _inflater(info)
    left, out = info.compress_size, 0
    while left > 0 and not inflater.eof and out <= budget:
        chunk = fh.read(min(_READ, left))
        if not chunk:
            break
        left -= len(chunk)
        out += len(inflater.decompress(chunk, STEP))
        while out <= budget and _pending(inflater):
            out += len(inflater.decompress(b"", STEP))
    return out


def _inflater(info: zipfile.ZipInfo) -> Any:
    if info.compress_type == zipfile.ZIP_DEFLATED:
        return _Deflate()
    if info.compress_type == zipfile.ZIP_BZIP2:
        return bz2.BZ2Decompressor()
    raise BadInputError(f"zip member {info.filename!r} uses compression method {info.compress_type}, "
                        "which Office and OFD writers do not use", code="extract.zip_method",
                        value=str(info.compress_type), expected="stored, deflate or bzip2")


class _Deflate:
    """zlib's raw inflater with the bz2 decompressor's interface (``decompress(data, max_length)``)."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj(-15)

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def needs_input(self) -> bool:
        return not self._d.unconsumed_tail

    def decompress(self, data: bytes, max_length: int) -> bytes:
        return self._d.decompress(self._d.unconsumed_tail + data, max_length)


def _pending(inflater: Any) -> bool:
    """More output waits without more input."""
    return not inflater.eof and not inflater.needs_input


def check_inflation(path: Path, limit: int) -> int:
    """The inflated size, or ZipBombError when it passes ``limit`` (BadZipFile for a damaged archive)."""
    size = path.stat().st_size
    declared = _declared(path)
    total = declared if declared > limit else inflated_size(path, limit)
    if total <= limit:
        return total
    raise ZipBombError(f"{path.name}: zip members inflate to more than {limit} bytes from {size} "
                       f"(their headers claim {declared}): a zip bomb", value=f"> {limit} bytes inflated",
                       expected=f"<= {limit} bytes")


def _declared(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist())
