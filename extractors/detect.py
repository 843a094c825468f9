"""Format detection by content (magic bytes), never by file extension."""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from extractors.readers.ole2 import SIGNATURE as _OLE2
from extractors.readers.ole2 import OleError, stream_names
from schemas import SourceFormat

_HTML = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body|<meta|<table|<div|<p[\s>])", re.I | re.S)
_EXTENSIONS = {
    ".pdf": SourceFormat.PDF,
    ".docx": SourceFormat.DOCX,
    ".doc": SourceFormat.DOC,
    ".wps": SourceFormat.DOC,
    ".html": SourceFormat.HTML,
    ".htm": SourceFormat.HTML,
    ".ofd": SourceFormat.OFD,
    ".txt": SourceFormat.TEXT,
    ".xlsx": SourceFormat.XLSX,
    ".xls": SourceFormat.XLS,
    ".et": SourceFormat.XLS,  # WPS Spreadsheets: an Excel-compatible binary
}
# OLE2 stream that tells a compound file's kind (WPS Writer / WPS Spreadsheets write the same)
# a password-protected DOCX/XLSX is an OLE2 file holding an EncryptedPackage: the DOC reader says so
_OLE2_STREAMS = (("WordDocument", SourceFormat.DOC), ("Workbook", SourceFormat.XLS), ("Book", SourceFormat.XLS),
                 ("EncryptedPackage", SourceFormat.DOC))


@dataclass(frozen=True)
class Detection:
    format: SourceFormat | None
    declared: SourceFormat | None
    reason: str = ""

    @property
    def mismatch(self) -> bool:
        return self.format is not None and self.declared is not None and self.format != self.declared


def declared_format(path: Path) -> SourceFormat | None:
    return _EXTENSIONS.get(path.suffix.lower())


def detect_format(path: Path) -> Detection:
    """Sniff the first bytes (and the zip directory for OOXML/OFD)."""
    declared = declared_format(path)
    with path.open("rb") as fh:
        head = fh.read(2048)
    if not head:
        return Detection(None, declared, "file is empty (0 bytes)")
    if b"%PDF-" in head[:1024]:
        return Detection(SourceFormat.PDF, declared)
    if head.startswith(_OLE2):
        return _detect_ole2(path, declared)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _detect_zip(path, declared)
    if _HTML.match(_strip_bom(head)):
        return Detection(SourceFormat.HTML, declared)
    if _looks_like_text(head):
        return Detection(SourceFormat.TEXT, declared)
    return Detection(None, declared, f"unrecognised content (first bytes {head[:8]!r})")


def _detect_zip(path: Path, declared: SourceFormat | None) -> Detection:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        return Detection(None, declared, f"damaged zip archive: {exc}")
    if "word/document.xml" in names:
        return Detection(SourceFormat.DOCX, declared)
    if "xl/workbook.xml" in names:
        return Detection(SourceFormat.XLSX, declared)
    if any(n.lower() == "ofd.xml" for n in names):
        return Detection(SourceFormat.OFD, declared)
    return Detection(None, declared, "zip archive without word/document.xml or OFD.xml")


def _detect_ole2(path: Path, declared: SourceFormat | None) -> Detection:
    """Word/WPS documents vs Excel/ET workbooks, by the streams in the compound file's directory."""
    try:
        names = stream_names(path)
    except (OleError, OSError, struct.error):
        return Detection(SourceFormat.DOC, declared)  # damaged directory: the converter names the damage
    for stream, fmt in _OLE2_STREAMS:
        if stream in names:
            return Detection(fmt, declared)
    if declared == SourceFormat.DOC:
        return Detection(SourceFormat.DOC, declared)  # another word processor's binary: LibreOffice may know it
    shown = ", ".join(sorted(names)[:6])
    return Detection(None, declared, f"OLE2 compound file without a WordDocument or Workbook stream ({shown})")


def _strip_bom(head: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with BOM
    if b"\x00" in head:
        return False
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control <= len(head) // 100
