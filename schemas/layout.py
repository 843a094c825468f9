"""The layout model: what every reader emits and every structure parser reads.

One model for all formats (PDF, DOCX, DOC, HTML, OFD, text, scans). A document is a list
of pages; a page holds its items in reading order, each item a text line or a table.
Coordinates are PDF points (1/72 inch) from the page's top-left corner; formats without
geometry (DOCX, HTML, text) leave ``bbox`` empty and emit one item per paragraph.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

LAYOUT_SCHEMA_VERSION = "1"


class SourceFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"
    HTML = "html"
    OFD = "ofd"
    TEXT = "text"
    XLSX = "xlsx"
    XLS = "xls"  # Excel 97-2003 binary; WPS Spreadsheets (.et) writes the same


class BBox(BaseModel):
    """Axis-aligned box in points, origin top-left of the page."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def union(self, other: BBox) -> BBox:
        return BBox(
            x0=min(self.x0, other.x0),
            top=min(self.top, other.top),
            x1=max(self.x1, other.x1),
            bottom=max(self.bottom, other.bottom),
        )


class TextLine(BaseModel):
    """A run of text on one visual line (PDF, OFD, scans) or one paragraph (DOCX, HTML, text).

    ``kind`` tells the structure parsers whether line wraps still have to be undone
    ("line") or the reader already delivers whole paragraphs ("paragraph").
    """

    type: Literal["text"] = "text"
    text: str
    page: int = Field(ge=1, description="1-based page number")
    bbox: BBox | None = None
    kind: Literal["line", "paragraph"] = "line"
    font_size: float | None = None
    font_name: str | None = None
    bold: bool = False
    align: Literal["left", "center", "right", "justify"] | None = None
    first_line_indent: float | None = Field(
        default=None, description="indent of the first line relative to the text block, points"
    )
    style: str | None = Field(default=None, description="reader-specific style name (DOCX style, HTML tag)")
    list_marker: str | None = Field(
        default=None, description="automatic numbering rendered by the reader (DOCX numbering.xml), e.g. '一、'"
    )
    confidence: float | None = Field(default=None, description="OCR confidence in [0, 1]")


class TableCell(BaseModel):
    """One cell of a physical table. Spanned cells appear once, at their top-left slot."""

    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    text: str = Field(description="cell text; wrapped lines inside the cell joined with '\\n'")
    page: int = Field(ge=1)
    bbox: BBox | None = None
    is_header: bool = Field(default=False, description="marked as a repeating header row by the source")
    continues: bool = Field(
        default=False,
        description="the source says this cell continues a merge begun above (DOCX vMerge continue)",
    )
    runs_on: bool = Field(
        default=False,
        description="its last line fills the cell to its edge mid-name or mid-sentence: the text runs on "
                    "(at a page break, in the same column of the next page's first row)",
    )


class Table(BaseModel):
    """A physical table: one fragment as it sits on one page (or one DOCX w:tbl)."""

    type: Literal["table"] = "table"
    page: int = Field(ge=1, description="page the table starts on")
    bbox: BBox | None = None
    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)
    cells: list[TableCell]
    col_edges: list[float] | None = Field(
        default=None, description="x-positions of the vertical rulings, points (PDF/OFD/scans)"
    )
    col_widths: list[float] | None = Field(
        default=None, description="relative widths of the grid columns (DOCX tblGrid), any unit"
    )
    has_bottom_border: bool | None = Field(
        default=None, description="whether the last row is closed by a ruling (None = unknown)"
    )
    found_by: str | None = Field(
        default=None, description="how the reader found it: rulings (a drawn grid), alignment (text aligned in "
                                  "columns, few or no rules), markup (a DOCX/HTML table), cells (a spreadsheet)",
    )

    def grid(self) -> list[list[TableCell | None]]:
        """Rows x cols; each slot holds the cell that covers it (spans repeat the same cell)."""
        out: list[list[TableCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.row_span, self.n_rows)):
                for k in range(c.col, min(c.col + c.col_span, self.n_cols)):
                    out[r][k] = c
        return out


PageItem = Annotated[TextLine | Table, Field(discriminator="type")]


class Page(BaseModel):
    number: int = Field(ge=1)
    width: float | None = None
    height: float | None = None
    items: list[PageItem] = Field(default_factory=list, description="reading order")
    ocr: bool = Field(default=False, description="text of this page came from OCR")

    @property
    def lines(self) -> list[TextLine]:
        return [i for i in self.items if isinstance(i, TextLine)]

    @property
    def tables(self) -> list[Table]:
        return [i for i in self.items if isinstance(i, Table)]


class SourceInfo(BaseModel):
    path: str
    name: str
    sha256: str
    size: int
    format: SourceFormat
    declared_format: str | None = Field(default=None, description="what the file extension claims")


class LayoutDocument(BaseModel):
    schema_version: str = LAYOUT_SCHEMA_VERSION
    source: SourceInfo
    extractor: str = Field(description="reader name and version, e.g. 'pdf/1'")
    pages: list[Page]
    warnings: list[str] = Field(default_factory=list)

    def iter_items(self) -> list[PageItem]:
        return [item for page in self.pages for item in page.items]
