"""Checks before any reader opens a file: hostile or mislabelled input fails fast and bounded.

Each check reads at most a file's header or its zip directory: a 200 MB file, a zip bomb
or a text file named .docx become a clear terminal error instead of a memory spike or an
obscure reader traceback.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from extractors.detect import detect_format
from pipeline.config import Settings
from schemas import SourceFormat, StageError

MB = 1024 * 1024
Guard = Callable[[Path, int, Settings], StageError | None]
# Formats that are never plain text: a text file carrying one of these names is mislabelled.
_BINARY_NAMES = {SourceFormat.PDF, SourceFormat.DOCX, SourceFormat.OFD}


def _error(path: Path, code: str, message: str, value: str, expected: str) -> StageError:
    return StageError(stage="extract", code=code, message=message, file=str(path), value=value, expected=expected)


def check_size(path: Path, size: int, settings: Settings) -> StageError | None:
    limit = settings.max_file_mb * MB
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
    """A zip container (DOCX, OFD) whose members would expand past the limit: a zip bomb."""
    if not zipfile.is_zipfile(path):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # a damaged archive: the reader names the damage
    limit = settings.max_unzipped_mb * MB
    if total <= limit:
        return None
    return _error(path, "extract.zip_bomb", f"zip members expand to {total} bytes from {size}, more than the "
                  f"max_unzipped_mb limit of {settings.max_unzipped_mb} MB", str(total), f"<= {limit} bytes")


GUARDS: tuple[Guard, ...] = (check_size, check_declared_format, check_zip_expansion)


def first_problem(path: Path, size: int, settings: Settings) -> StageError | None:
    for guard in GUARDS:
        problem = guard(path, size, settings)
        if problem is not None:
            return problem
    return None
