"""The stream names of an OLE2 compound file (legacy Office / WPS binaries), from its directory.

A ``.doc``, ``.wps``, ``.xls`` and ``.et`` all start with the same OLE2 signature; what tells
them apart is the directory: a ``WordDocument`` stream (Word, WPS Writer), a ``Workbook`` or
``Book`` stream (Excel BIFF8 / BIFF5, WPS Spreadsheets). This walks the header's FAT (with the
extended DIFAT) to the directory chain and reads its 128-byte entries; it reads no stream data.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_SECTORS = 1 << 20  # bounds every chain walk (a looped FAT in a damaged file)


class OleError(ValueError):
    """The compound file's header or directory is damaged."""


def stream_names(path: Path) -> set[str]:
    """Names of the streams and storages in the file's directory; raises OleError on damage."""
    with path.open("rb") as fh:
        header = fh.read(512)
        if len(header) < 512 or not header.startswith(SIGNATURE):
            raise OleError(f"{path.name}: not an OLE2 compound file")
        sector = 1 << struct.unpack_from("<H", header, 0x1E)[0]
        if sector not in (512, 4096):
            raise OleError(f"{path.name}: OLE2 sector size {sector}, expected 512 or 4096")
        fat = _fat(fh, header, sector)
        first_dir = struct.unpack_from("<I", header, 0x30)[0]
        names: set[str] = set()
        for sid in _chain(first_dir, fat):
            block = _sector(fh, sid, sector)
            for off in range(0, len(block) - 127, 128):
                name = _entry_name(block[off : off + 128])
                if name:
                    names.add(name)
        return names


def _sector(fh: BinaryIO, sid: int, size: int) -> bytes:
    fh.seek((sid + 1) * size)
    return fh.read(size)


def _fat(fh: BinaryIO, header: bytes, sector: int) -> list[int]:
    n_fat = struct.unpack_from("<I", header, 0x2C)[0]
    fat_sids = [s for s in struct.unpack_from("<109I", header, 0x4C) if s not in (_END, _FREE)]
    next_difat = struct.unpack_from("<I", header, 0x44)[0]
    per = sector // 4
    seen = 0
    while next_difat not in (_END, _FREE) and len(fat_sids) < n_fat and seen < _MAX_SECTORS:
        values = struct.unpack(f"<{per}I", _sector(fh, next_difat, sector).ljust(sector, b"\xff"))
        fat_sids += [s for s in values[:-1] if s not in (_END, _FREE)]
        next_difat, seen = values[-1], seen + 1
    fat: list[int] = []
    for sid in fat_sids[:n_fat]:
        fat += struct.unpack(f"<{per}I", _sector(fh, sid, sector).ljust(sector, b"\xff"))
    return fat


def _chain(start: int, fat: list[int]) -> list[int]:
    out: list[int] = []
    sid = start
    while sid < len(fat) and sid not in (_END, _FREE) and len(out) < _MAX_SECTORS:
        out.append(sid)
        sid = fat[sid]
    return out


def _entry_name(entry: bytes) -> str | None:
    length = struct.unpack_from("<H", entry, 0x40)[0]
    kind = entry[0x42]
    if kind not in (1, 2, 5) or not 2 <= length <= 64 or length % 2:
        return None
    try:
        return entry[: length - 2].decode("utf-16-le")
    except UnicodeDecodeError:
        return None
