"""Extract stage: one reader per format behind ``read_layout``, structure parsers behind ``parse_notice``."""

from extractors.layout import READERS, file_sha256, read_layout, register_reader
from extractors.structure.parse import STRUCTURE_VERSION, parse_notice
from extractors.structure.tables import TABLES_VERSION


def extractor_version() -> str:
    """One version string for the whole extract stage: every reader's version plus the structure parsers'."""
    readers = ",".join(sorted(name for name, _ in READERS.values()))
    return f"{readers};structure/{STRUCTURE_VERSION};tables/{TABLES_VERSION}"


__all__ = ["READERS", "STRUCTURE_VERSION", "extractor_version", "file_sha256", "parse_notice", "read_layout",
           "register_reader"]
