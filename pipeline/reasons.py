"""Failure reasons in words, by error code: what `qmetl status` and the run summary show.

Codes come from the readers, the structure parsers and pipeline.guards; a code missing
here falls back to its family (the part before the dot), then to the code itself.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    "extract.empty": "empty file (0 bytes)",
    "extract.encrypted": "password-protected",
    "extract.mislabelled": "not the format its name says (e.g. text named .docx)",
    "extract.unrecognised": "unrecognised content (not PDF, DOCX, DOC, HTML, OFD or text)",
    "extract.unsupported_format": "no reader installed for this format",
    "extract.too_large": "over a size or page limit",
    "extract.zip_bomb": "zip bomb: members expand past the limit",
    "extract.no_text": "no text layer and OCR unavailable",
    "extract.tool_missing": "an external converter is not installed",
    "extract.unreadable": "the file could not be opened (permissions?); retried on the next run",
    "extract.unreadable_folder": "a folder the run could not list (permissions?): its files were not seen",
    "extract.timeout": "reading it took longer than the per-file time limit (file_timeout)",
    "extract.memory": "reading it took more memory than the per-file limit (file_memory_mb)",
    "extract.worker_lost": "the analysis worker died reading it (out of memory or a native crash)",
    "extract.zip_method": "a zip member with a compression method Office/OFD do not use",
    "doc.libreoffice_missing": "LibreOffice is not installed (needed for .doc/.wps); retried once it is",
    "extract.needs_ocr": "a scan, and the OCR extra is not installed; retried once it is",
    "doc.encrypted": "password-protected Office document (encrypted DOCX/XLSX): remove the password, add it again",
    "doc.convert_failed": "LibreOffice could not convert this .doc/.wps file",
    "extract.transient": "temporary failure (timeout or resources); retried on the next run",
    "pdf.damaged": "truncated or damaged PDF",
    "pdf.syntax": "not a readable PDF",
    "docx.damaged": "damaged DOCX (corrupt zip archive or parts)",
    "docx.bad_zip": "damaged DOCX (corrupt zip archive)",
    "structure.no_text": "no text layer and OCR unavailable",
    "notice.off_topic": "parsed, but not a quality-campaign notice: no activities, flagged off-topic",
    "load.rejected": "the store refused a value (too long or a duplicate key)",
    "load.transient": "temporary store failure; retried on the next run",
    "internal.error": "a bug in qmetl while reading this file (see the message)",
}
FAMILIES: dict[str, str] = {
    "extract": "could not be read",
    "pdf": "unreadable PDF",
    "docx": "unreadable DOCX",
    "structure": "no notice structure found",
    "normalize": "normalization failed",
}


def reason_for(code: str) -> str:
    if code in REASONS:
        return REASONS[code]
    return FAMILIES.get(code.partition(".")[0], code)
