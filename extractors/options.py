"""What a caller may choose about reading a file: the extractors own these values and read no
settings or environment themselves; the pipeline passes its ``pdf_chars`` and ``ocr_threads``
settings down through ``read_layout(options=…)``."""

from __future__ import annotations

from dataclasses import dataclass

# pdfium: PDFium's chars and rulings (the default, ~10x faster); pdfminer: every page through
# pdfminer's layout (the reference the PDFium source is checked against)
CHAR_SOURCES = ("pdfium", "pdfminer")


@dataclass(frozen=True)
class ReadOptions:
    pdf_chars: str = "pdfium"  # the PDF reader's char source, one of CHAR_SOURCES
    ocr_threads: int = 0  # onnxruntime intra-op threads of the OCR engine; 0: the cores this process may run on

    def __post_init__(self) -> None:
        if self.pdf_chars not in CHAR_SOURCES:
            raise ValueError(f"pdf_chars must be one of {', '.join(CHAR_SOURCES)}, got {self.pdf_chars!r}")
        if self.ocr_threads < 0:
            raise ValueError(f"ocr_threads must be >= 0 (0: the cores this process may run on), got {self.ocr_threads}")
