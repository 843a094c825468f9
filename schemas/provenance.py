"""How a table was read: the record the structure stage keeps beside the activities it gives.

Per table (``TableReading``): its header rows and the role of each column (unknown headers by
name), the fragments stitched across pages, spans carried across a page break, the group rows
used as labels, and every physical row with what became of it (an activity, or why not).
Per table activity (``RowProvenance``): the table, the logical row, the physical rows it was
read from and the columns whose values it took. Pages and rows are as printed: pages 1-based,
rows 0-based within their fragment (the header rows count).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

RowOutcome = Literal["activity", "joined", "header", "group", "rejected"]


class RowRef(BaseModel):
    """One physical row: the fragment of the table it sits in, its page and its row there."""

    fragment: int = Field(ge=0)
    page: int = Field(ge=1)
    row: int = Field(ge=0)


class ColumnReading(BaseModel):
    index: int = Field(ge=0)
    header: str = Field(description="the header text, two-row headers joined by '/'")
    role: str | None = Field(default=None, description="the role the header vocabulary gives (seq, name, "
                             "content, lead, co, time, place, category_raw …), None when unknown")
    field: str | None = Field(default=None, description="the activity field the column fills; None: kept in "
                              "extra under ``kept_as``")
    kept_as: str | None = Field(default=None, description="the extra key of a column no field takes")
    span: bool = Field(default=False, description="a span column (类别, 项目): a blank cell is the span above")
    carries: bool = Field(default=False, description="a blank cell after a page break is the merged cell above")


class FragmentReading(BaseModel):
    """One physical table fragment (one page's part of the table)."""

    index: int = Field(ge=0)
    page: int = Field(ge=1)
    rows: int = Field(ge=0, description="physical rows in the fragment, header rows included")
    header_rows: int = Field(ge=0, description="rows at the top read as (repeated) header or caption")
    found_by: str | None = Field(default=None, description="how the reader found it (Table.found_by): rulings, "
                                 "alignment, markup, cells")
    fused_header: bool = Field(default=False, description="a repeated header fused into the first data row, "
                               "peeled off")
    passed: list[str] = Field(default_factory=list, description="lines between the previous fragment and this "
                              "one, passed over (a 续表 line, the title repeated)")


class CarriedSpan(BaseModel):
    """A value that went on across a page break: a merged cell, a span label, a row cut in two."""

    column: str
    label: str
    how: str = Field(description="merged cell continues / span continues / label printed after the break / "
                     "label repeated / split label joined / row split by the break")
    from_page: int
    from_row: int
    to_page: int
    to_row: int


class GroupLabel(BaseModel):
    """A row across the whole table (一、宣传教育活动): the label of the rows under it."""

    label: str
    page: int
    row: int
    field: str = Field(description="where the label goes: category_raw, project or extra:分组")


class RowReading(BaseModel):
    """What became of one physical row."""

    ref: RowRef
    outcome: RowOutcome
    activity: int | None = Field(default=None, description="seq of the activity the row gave or joined")
    reason: str | None = Field(default=None, description="why the row is no activity of its own")
    text: str = Field(default="", description="the row's text, cells joined by ' | ', cut short")


class TableReading(BaseModel):
    index: int = Field(ge=0, description="the table's place among the notice's tables")
    pages: list[int] = Field(default_factory=list)
    used: bool = Field(default=True, description="gave activities")
    reason: str | None = Field(default=None, description="why a table gave none (no header row, no content column)")
    header_rows: int = 0
    columns: list[ColumnReading] = Field(default_factory=list)
    fragments: list[FragmentReading] = Field(default_factory=list)
    carried: list[CarriedSpan] = Field(default_factory=list)
    groups: list[GroupLabel] = Field(default_factory=list)
    rows: list[RowReading] = Field(default_factory=list)


class RowProvenance(BaseModel):
    """Where a table activity came from."""

    table: int = Field(ge=0, description="index of its TableReading in the notice")
    row: int = Field(ge=0, description="its row among the table's data rows")
    rows: list[RowRef] = Field(default_factory=list, description="the physical rows read into it")
    pages: list[int] = Field(default_factory=list)
    columns: dict[str, str] = Field(default_factory=dict, description="header → field of the columns that gave "
                                    "it a value")
