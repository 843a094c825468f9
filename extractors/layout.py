"""The one reader interface: file → LayoutDocument, the reader chosen by content."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from extractors.detect import detect_format
from extractors.errors import (
    BadInputError,
    EmptyFileError,
    ExtractError,
    TooLargeError,
    UnsupportedFormatError,
)
from extractors.options import ReadOptions
from extractors.readers.doc import DOC_READER_VERSION, read_doc
from extractors.readers.docx import DOCX_READER_VERSION, read_docx
from extractors.readers.html import HTML_READER_VERSION, read_html
from extractors.readers.ofd import OFD_READER_VERSION, read_ofd
from extractors.readers.pdf_ocr import PDF_OCR_READER_NAME, read_pdf_ocr
from extractors.readers.text import TEXT_READER_VERSION, read_text
from extractors.readers.xlsx import XLS_READER_VERSION, XLSX_READER_VERSION, read_xls, read_xlsx
from schemas import LayoutDocument, Page, SourceFormat, SourceInfo, StageResult

ReaderFn = Callable[[Path], tuple[list[Page], list[str]]]

READERS: dict[SourceFormat, tuple[str, ReaderFn]] = {
    SourceFormat.PDF: (PDF_OCR_READER_NAME, read_pdf_ocr),
    SourceFormat.DOCX: (f"docx/{DOCX_READER_VERSION}", read_docx),
    SourceFormat.DOC: (f"doc/{DOC_READER_VERSION}+docx/{DOCX_READER_VERSION}", read_doc),
    SourceFormat.HTML: (f"html/{HTML_READER_VERSION}", read_html),
    SourceFormat.OFD: (f"ofd/{OFD_READER_VERSION}", read_ofd),
    SourceFormat.TEXT: (f"text/{TEXT_READER_VERSION}", read_text),
    SourceFormat.XLSX: (f"xlsx/{XLSX_READER_VERSION}", read_xlsx),
    SourceFormat.XLS: (f"xls/{XLS_READER_VERSION}", read_xls),
}


def register_reader(fmt: SourceFormat, name: str, fn: ReaderFn) -> None:
    """Plug in a reader (DOC, HTML, OFD, text, OCR) without touching the dispatcher."""
    READERS[fmt] = (name, fn)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_layout(path: Path, sha256: str | None = None, max_bytes: int | None = None,
                options: ReadOptions | None = None) -> StageResult[LayoutDocument]:
    """Read any supported file; bad input comes back as a failed result, never an exception.

    ``max_bytes`` is the caller's size limit (the pipeline's configured ``max_file_mb``); a larger file
    is ``extract.too_large`` and not read. The extractors hold no limit of their own. ``options``: the
    caller's choices about reading (PDF char source, OCR threads); None = the defaults."""
    name = str(path)
    try:
        return StageResult.success(*_read(path, sha256, max_bytes, options))
    except ExtractError as exc:
        return StageResult.failure(exc.to_stage_error(name))


def _with_options(reader: ReaderFn, options: ReadOptions | None) -> ReaderFn:
    """The reader as called: the PDF reader (the one that takes options) with the caller's options."""
    if options is not None and reader is read_pdf_ocr:
        return functools.partial(read_pdf_ocr, options=options)
    return reader


def _read(path: Path, sha256: str | None, max_bytes: int | None,
          options: ReadOptions | None = None) -> tuple[LayoutDocument, list[str]]:
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("file is empty (0 bytes)", value="0 bytes", expected="a notice file")
    if max_bytes is not None and size > max_bytes:
        raise TooLargeError(f"{size} bytes, more than the limit of {max_bytes} bytes", value=str(size),
                            expected=f"<= {max_bytes} bytes")
    detection = detect_format(path)
    if detection.format is None:
        raise BadInputError(detection.reason, code="extract.unrecognised",
                            expected="PDF, DOCX, DOC/WPS, XLSX, XLS/ET, HTML, OFD or text")
    if detection.format not in READERS:
        raise UnsupportedFormatError(f"no reader installed for {detection.format.value}",
                                     value=detection.format.value)
    reader_name, reader = READERS[detection.format]
    pages, warnings = _with_options(reader, options)(path)
    if detection.mismatch:
        warnings.insert(0, f"extension says {detection.declared}, content is {detection.format}")
    source = SourceInfo(
        path=str(path), name=path.name, sha256=sha256 or file_sha256(path), size=size,
        format=detection.format, declared_format=detection.declared.value if detection.declared else None,
    )
    return LayoutDocument(source=source, extractor=reader_name, pages=pages, warnings=warnings), warnings
