"""Checks before any reader opens a file: hostile or mislabelled input fails fast and bounded.

Each check reads at most a file's header or its zip directory: a 200 MB file, a zip bomb
or a text file named .docx become a clear terminal error instead of a memory spike or an
obscure reader traceback.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from extractors.detect import detect_format
from extractors.errors import BadInputError
from extractors.options import ReadOptions
from extractors.readers.zipguard import ZipBombError, check_inflation
from pipeline.config import Settings
from schemas import SourceFormat, StageError

MB = 1024 * 1024
Guard = Callable[[Path, int, Settings], StageError | None]
# Formats that are never plain text: a text file carrying one of these names is mislabelled.
_BINARY_NAMES = {SourceFormat.PDF, SourceFormat.DOCX, SourceFormat.OFD}


def _error(path: Path, code: str, message: str, value: str, expected: str) -> StageError:
    return StageError(stage="extract", code=code, message=message, file=str(path), value=value, expected=expected)


def max_file_bytes(settings: Settings) -> int:
    """The one file-size limit (``max_file_mb``): checked here before a file is read, and passed down
    to the extractors (``read_layout(max_bytes=…)``), which hold none of their own."""
    return settings.max_file_mb * MB


def read_options(settings: Settings) -> ReadOptions:
    """The settings the readers take (``pdf_chars``, ``ocr_threads``), passed down as ``read_layout(options=…)``."""
    return ReadOptions(pdf_chars=settings.pdf_chars, ocr_threads=settings.ocr_threads)


def check_size(path: Path, size: int, settings: Settings) -> StageError | None:
    limit = max_file_bytes(settings)
    if size <= limit:
        return None
    return _error(path, "extract.too_large", f"{size} bytes, more than the max_file_mb limit of "
                  f"{settings.max_file_mb} MB", str(size), f"<= {limit} bytes")


def check_declared_format(path: Path, size: int, settings: Settings) -> StageError | None:
    if size == 0:
        return None  # the reader reports empty files itself
    detection = detect_format(path)
    if detection.declared in _BINARY_NAMES and detection.format == SourceFormat.TEXT:
        ext = path.suffix.lower()
        return _error(path, "extract.mislabelled", f"content is plain text, not a {detection.declared.value} "
                      f"as the name {ext!r} says", "text", f"a {detection.declared.value} file")
    return None


def check_zip_expansion(path: Path, size: int, settings: Settings) -> StageError | None:
    """A zip container (DOCX, OFD) whose members inflate past the limit: a zip bomb. The bytes
    actually inflated are counted (in bounded steps), not the sizes the zip claims."""
    if not zipfile.is_zipfile(path):
        return None
    limit = settings.max_unzipped_mb * MB
    try:
        check_inflation(path, limit)
    except ZipBombError as exc:
        return _error(path, exc.code, f"{exc.message} (max_unzipped_mb = {settings.max_unzipped_mb})",
                      exc.value or "", exc.expected or "")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, BadInputError):
        return None  # a damaged archive: the reader names the damage
    return None


def check_markup_size(path: Path, size: int, settings: Settings) -> StageError | None:
    """HTML and text are parsed whole, at many times their size in memory: bounded on their own."""
    limit = settings.max_markup_mb * MB
    if size <= limit or detect_format(path).format not in (SourceFormat.HTML, SourceFormat.TEXT):
        return None
    return _error(path, "extract.too_large", f"{size} bytes of HTML/text, more than the max_markup_mb limit of "
                  f"{settings.max_markup_mb} MB (a notice page is well under 1 MB)", str(size), f"<= {limit} bytes")


GUARDS: tuple[Guard, ...] = (check_size, check_declared_format, check_markup_size, check_zip_expansion)


def first_problem(path: Path, size: int, settings: Settings) -> StageError | None:
    for guard in GUARDS:
        problem = guard(path, size, settings)
        if problem is not None:
            return problem
    return None
