"""Typed, versioned models passed between stages: the project's only shared vocabulary."""

from schemas.codes import REASONS, ErrorCode, reason_for
from schemas.layout import (
    LAYOUT_SCHEMA_VERSION,
    BBox,
    LayoutDocument,
    Page,
    SourceFormat,
    SourceInfo,
    Table,
    TableCell,
    TextLine,
)
from schemas.notice import (
    NOTICE_SCHEMA_VERSION,
    Activity,
    DocumentMeta,
    Notice,
    OrganizerRef,
    OutlineItem,
    Span,
)
from schemas.results import ErrorKind, StageError, StageResult, Status

__all__ = [
    "LAYOUT_SCHEMA_VERSION",
    "NOTICE_SCHEMA_VERSION",
    "REASONS",
    "Activity",
    "BBox",
    "DocumentMeta",
    "ErrorCode",
    "ErrorKind",
    "LayoutDocument",
    "Notice",
    "OrganizerRef",
    "OutlineItem",
    "Page",
    "SourceFormat",
    "SourceInfo",
    "Span",
    "StageError",
    "StageResult",
    "Status",
    "Table",
    "TableCell",
    "TextLine",
    "reason_for",
]
