"""Extract stage: one reader per format behind ``read_layout``, structure parsers behind ``parse_notice``."""

import hashlib

from extractors.layout import READERS, file_sha256, read_layout, register_reader
from extractors.structure.parse import STRUCTURE_VERSION, parse_notice

MAX_VERSION_LENGTH = 40  # the store's version columns


def extractor_version() -> str:
    """One version string for the whole extract stage: every reader's version plus the structure
    parsers'. With many readers the list outgrows the store's column, so it is then digested
    (the per-document reader name stays readable in the layout's ``extractor`` field)."""
    readers = ",".join(sorted(name for name, _ in READERS.values()))
    full = f"{readers};structure/{STRUCTURE_VERSION}"
    if len(full) <= MAX_VERSION_LENGTH:
        return full
    return f"readers-{hashlib.sha256(readers.encode()).hexdigest()[:12]};structure/{STRUCTURE_VERSION}"


__all__ = ["READERS", "STRUCTURE_VERSION", "extractor_version", "file_sha256", "parse_notice", "read_layout",
           "register_reader"]
