"""Error codes: the stable machine-readable name of every failure, with its reason in words.

A code is ``family.what`` (``pdf.damaged``); the string is what the store, the runs table and
`qmetl status --json` hold, so members compare and serialise as their strings. ``REASONS`` is
what `qmetl status` and the run summary show; a test proves every code raised anywhere in the
code base is a member with a reason. A code not known here (an older store's) falls back to
its family's words, then to the code itself.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # reading, whatever the format
    EXTRACT_ERROR = "extract.error"
    EXTRACT_BAD_INPUT = "extract.bad_input"
    EXTRACT_EMPTY = "extract.empty"
    EXTRACT_ENCRYPTED = "extract.encrypted"
    EXTRACT_MISLABELLED = "extract.mislabelled"
    EXTRACT_UNRECOGNISED = "extract.unrecognised"
    EXTRACT_UNSUPPORTED_FORMAT = "extract.unsupported_format"
    EXTRACT_TOO_LARGE = "extract.too_large"
    EXTRACT_ZIP_BOMB = "extract.zip_bomb"
    EXTRACT_ZIP_METHOD = "extract.zip_method"
    EXTRACT_NO_TEXT = "extract.no_text"
    EXTRACT_NEEDS_OCR = "extract.needs_ocr"
    EXTRACT_TOOL_MISSING = "extract.tool_missing"
    EXTRACT_UNREADABLE = "extract.unreadable"
    EXTRACT_UNREADABLE_FOLDER = "extract.unreadable_folder"
    EXTRACT_TIMEOUT = "extract.timeout"
    EXTRACT_MEMORY = "extract.memory"
    EXTRACT_WORKER_LOST = "extract.worker_lost"
    EXTRACT_TRANSIENT = "extract.transient"
    # one reader each
    PDF_DAMAGED = "pdf.damaged"
    PDF_SYNTAX = "pdf.syntax"
    DOCX_DAMAGED = "docx.damaged"
    DOCX_BAD_ZIP = "docx.bad_zip"
    DOC_LIBREOFFICE_MISSING = "doc.libreoffice_missing"
    DOC_ENCRYPTED = "doc.encrypted"
    DOC_CONVERT_FAILED = "doc.convert_failed"
    DOC_TIMEOUT = "doc.timeout"
    OFD_BAD_ZIP = "ofd.bad_zip"
    OFD_MISSING_PART = "ofd.missing_part"
    OFD_BAD_XML = "ofd.bad_xml"
    OFD_NO_DOCROOT = "ofd.no_docroot"
    OFD_NO_PAGES = "ofd.no_pages"
    HTML_ENCODING = "html.encoding"
    HTML_DAMAGED = "html.damaged"
    HTML_EMPTY = "html.empty"
    TEXT_ENCODING = "text.encoding"
    XLSX_DAMAGED = "xlsx.damaged"
    XLSX_BAD_ZIP = "xlsx.bad_zip"
    XLS_READER_MISSING = "xls.reader_missing"
    SHEET_EMPTY = "sheet.empty"
    # the stages after reading
    STRUCTURE_NO_TEXT = "structure.no_text"
    STRUCTURE_EMPTY = "structure.empty"
    NOTICE_OFF_TOPIC = "notice.off_topic"
    NORMALIZE_VALUE = "normalize.value"
    LOAD_REJECTED = "load.rejected"
    LOAD_TRANSIENT = "load.transient"
    INTERNAL_ERROR = "internal.error"

    @property
    def reason(self) -> str:
        """The failure in words, as `qmetl status` shows it."""
        return REASONS[self]


REASONS: dict[ErrorCode, str] = {
    ErrorCode.EXTRACT_ERROR: "could not be read (see the message)",
    ErrorCode.EXTRACT_BAD_INPUT: "not readable as the format it claims to be (see the message)",
    ErrorCode.EXTRACT_EMPTY: "empty file (0 bytes)",
    ErrorCode.EXTRACT_ENCRYPTED: "password-protected",
    ErrorCode.EXTRACT_MISLABELLED: "not the format its name says (e.g. text named .docx)",
    ErrorCode.EXTRACT_UNRECOGNISED: "unrecognised content (not PDF, DOCX, DOC, HTML, OFD or text)",
    ErrorCode.EXTRACT_UNSUPPORTED_FORMAT: "no reader installed for this format",
    ErrorCode.EXTRACT_TOO_LARGE: "over a size or page limit",
    ErrorCode.EXTRACT_ZIP_BOMB: "zip bomb: members expand past the limit",
    ErrorCode.EXTRACT_ZIP_METHOD: "a zip member with a compression method Office/OFD do not use",
    ErrorCode.EXTRACT_NO_TEXT: "no text layer and OCR unavailable",
    ErrorCode.EXTRACT_NEEDS_OCR: "a scan, and the OCR extra is not installed; retried once it is",
    ErrorCode.EXTRACT_TOOL_MISSING: "an external converter is not installed",
    ErrorCode.EXTRACT_UNREADABLE: "the file could not be opened (permissions?); retried on the next run",
    ErrorCode.EXTRACT_UNREADABLE_FOLDER: "a folder the run could not list (permissions?): its files were not seen",
    ErrorCode.EXTRACT_TIMEOUT: "reading it took longer than the per-file time limit (file_timeout)",
    ErrorCode.EXTRACT_MEMORY: "reading it took more memory than the per-file limit (file_memory_mb)",
    ErrorCode.EXTRACT_WORKER_LOST: "the analysis worker died reading it (out of memory or a native crash)",
    ErrorCode.EXTRACT_TRANSIENT: "temporary failure (timeout or resources); retried on the next run",
    ErrorCode.PDF_DAMAGED: "truncated or damaged PDF",
    ErrorCode.PDF_SYNTAX: "not a readable PDF",
    ErrorCode.DOCX_DAMAGED: "damaged DOCX (corrupt zip archive or parts)",
    ErrorCode.DOCX_BAD_ZIP: "damaged DOCX (corrupt zip archive)",
    ErrorCode.DOC_LIBREOFFICE_MISSING: "LibreOffice is not installed (needed for .doc/.wps); retried once it is",
    ErrorCode.DOC_ENCRYPTED: "password-protected Office document (encrypted DOCX/XLSX): remove the password, "
                             "add it again",
    ErrorCode.DOC_CONVERT_FAILED: "LibreOffice could not convert this .doc/.wps file",
    ErrorCode.DOC_TIMEOUT: "LibreOffice took longer than the conversion time limit on this .doc/.wps file",
    ErrorCode.OFD_BAD_ZIP: "damaged OFD (corrupt zip archive)",
    ErrorCode.OFD_MISSING_PART: "damaged OFD: a part its index names is missing",
    ErrorCode.OFD_BAD_XML: "damaged OFD: a part is not well-formed XML",
    ErrorCode.OFD_NO_DOCROOT: "damaged OFD: OFD.xml names no document root",
    ErrorCode.OFD_NO_PAGES: "OFD document with no pages",
    ErrorCode.HTML_ENCODING: "HTML page in an encoding that could not be decoded",
    ErrorCode.HTML_DAMAGED: "not parseable as HTML",
    ErrorCode.HTML_EMPTY: "HTML page with no visible text",
    ErrorCode.TEXT_ENCODING: "text file that is not UTF-8, UTF-16 or GB18030",
    ErrorCode.XLSX_DAMAGED: "damaged XLSX workbook",
    ErrorCode.XLSX_BAD_ZIP: "damaged XLSX (corrupt zip archive)",
    ErrorCode.XLS_READER_MISSING: "an .xls workbook and neither xlrd nor LibreOffice is installed; retried once one is",
    ErrorCode.SHEET_EMPTY: "spreadsheet with no text in any worksheet",
    ErrorCode.STRUCTURE_NO_TEXT: "no text layer and OCR unavailable",
    ErrorCode.STRUCTURE_EMPTY: "read, but no notice was found in it",
    ErrorCode.NOTICE_OFF_TOPIC: "parsed, but not a quality-campaign notice: no activities, flagged off-topic",
    ErrorCode.NORMALIZE_VALUE: "a value the normalizers could not read (see the message)",
    ErrorCode.LOAD_REJECTED: "the store refused a value (too long or a duplicate key)",
    ErrorCode.LOAD_TRANSIENT: "temporary store failure; retried on the next run",
    ErrorCode.INTERNAL_ERROR: "a bug in qmetl while reading this file (see the message)",
}
# the words of a code's family, for a code this version does not know (an older store's)
FAMILIES: dict[str, str] = {
    "extract": "could not be read",
    "pdf": "unreadable PDF",
    "docx": "unreadable DOCX",
    "doc": "unreadable DOC/WPS",
    "ofd": "unreadable OFD",
    "html": "unreadable HTML",
    "text": "unreadable text file",
    "xlsx": "unreadable spreadsheet",
    "xls": "unreadable spreadsheet",
    "sheet": "unreadable spreadsheet",
    "structure": "no notice structure found",
    "normalize": "normalization failed",
    "load": "could not be stored",
}


def reason_for(code: str) -> str:
    """The reason in words of ``code``; an unknown code's family's words, else the code itself."""
    try:
        return ErrorCode(code).reason
    except ValueError:
        return FAMILIES.get(code.partition(".")[0], code)
