"""The notice model: what structure parsing produces and normalization completes.

A ``Notice`` leaves the structure parsers with raw values (organizers_raw, category_raw,
issuers as written) and leaves normalization with canonical values filled in
(organizers, lead, category, canonical issuers). ``to_export`` renders the SPEC §4 shape.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from schemas.layout import BBox
from schemas.provenance import RowProvenance, TableReading

NOTICE_SCHEMA_VERSION = "2"  # 2: row provenance and table readings

Level = Literal["national", "provincial", "municipal", "district", "industry"]
Role = Literal["lead", "co"]


class Span(BaseModel):
    """Where a parsed item came from: pages and, for geometric formats, the box on the first page."""

    pages: list[int] = Field(default_factory=list)
    bbox: BBox | None = None


class DocumentMeta(BaseModel):
    title: str | None = None
    doc_number: str | None = None
    issuers: list[str] = Field(default_factory=list, description="canonical after normalization")
    issuers_raw: list[str] = Field(default_factory=list, description="as written in the document")
    date: str | None = Field(default=None, description="成文日期, ISO yyyy-mm-dd")
    year: int | None = None
    level: Level | None = None
    region: str | None = Field(default=None, description="full path, e.g. 江苏省苏州市")
    region_source: str | None = Field(default=None, description="where the region came from: issuer, "
                                      "doc_number, title or text")
    theme: str | None = None
    slogans: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list, description="doc numbers cited")
    attachments: list[str] = Field(default_factory=list)
    off_topic: bool = Field(default=False, description="parsed, but not a quality-campaign notice")


class OutlineItem(BaseModel):
    seq: int
    path: str = Field(description="ordinal labels joined by '/', brackets full width: 三/（一）/1")
    marker: str = Field(description="the marker as written, e.g. '（一）', '1.'")
    depth: int = Field(ge=1)
    heading: str | None = None
    text: str = Field(description="the numbered paragraph, marker removed, unwrapped")
    body: str = Field(default="", description="unnumbered paragraphs that follow the item")
    intro: str | None = Field(default=None, description="the unnumbered lead-in paragraph right before "
                              "the item, e.g. '主要活动如下：'")
    not_activity: str | None = Field(default=None, description="why an item of an activity section is no "
                                     "activity, e.g. 'time: 活动时间'")
    span: Span = Field(default_factory=Span)


class OrganizerRef(BaseModel):
    """One body an activity is assigned to."""

    raw: str = Field(description="the body as written after splitting the raw organizer string")
    name: str = Field(description="canonical name; '*'-prefixed for collectives")
    role: Role = "lead"
    resolved: bool = Field(default=False, description="found in the registry (or built by a trusted rule)")
    collective: bool = False
    method: str | None = Field(default=None, description="how the name was resolved")
    status: str | None = Field(default=None, description="resolved / collective / ambiguous / unknown")
    candidates: list[str] = Field(default_factory=list, description="the bodies an ambiguous name may be")
    evidence: list[str] = Field(default_factory=list, description="rules, abbreviations and region sources used")
    current: str | None = Field(default=None, description="the body's name current in the notice's year when it "
                                "had been renamed or merged by then (dated successor links); the body keeps its name")


class Activity(BaseModel):
    seq: int
    source: Literal["table", "list"]
    category_raw: str | None = None
    category: str | None = None
    category_method: str | None = Field(default=None, description="label / cues / prior / default / override")
    category_confidence: float | None = Field(default=None, description="0 (no evidence) … 1 (one code only)")
    category_evidence: dict[str, Any] | None = Field(default=None, description="what decided the category")
    category_key: str | None = Field(default=None, description="key of the activity's text, for overrides")
    project: str | None = None
    content: str
    organizers_raw: str | None = None
    organizer_refs: list[OrganizerRef] = Field(default_factory=list)
    time: str | None = None
    place: str | None = None
    outline_path: str | None = Field(default=None, description="outline item the activity comes from")
    extra: dict[str, str] = Field(default_factory=dict, description="table columns with no activity field")
    span: Span = Field(default_factory=Span)
    provenance: RowProvenance | None = Field(default=None, description="table, rows and columns it was read from")

    @property
    def organizers(self) -> list[str]:
        return _unique(o.name for o in self.organizer_refs)

    @property
    def lead(self) -> list[str]:
        return _unique(o.name for o in self.organizer_refs if o.role == "lead")


class Notice(BaseModel):
    schema_version: str = NOTICE_SCHEMA_VERSION
    meta: DocumentMeta = Field(default_factory=DocumentMeta)
    outline: list[OutlineItem] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    embedded: list[Notice] = Field(default_factory=list, description="notices carried inside this one")
    tables: list[TableReading] = Field(default_factory=list, description="how each table was read")
    span: Span = Field(default_factory=Span)

    def to_export(self) -> dict[str, Any]:
        """The SPEC §4 export shape (plus provenance and extra fields)."""
        m = self.meta
        return {
            "document": {
                "title": m.title,
                "doc_number": m.doc_number,
                "issuers": list(m.issuers),
                "date": m.date,
                "year": m.year,
                "level": m.level,
                "region": m.region,
                "region_source": m.region_source,
                "theme": m.theme,
                "slogans": list(m.slogans),
                "references": list(m.references),
                "attachments": list(m.attachments),
                "off_topic": m.off_topic,
            },
            "outline": [
                {
                    "path": o.path,
                    "marker": o.marker,
                    "depth": o.depth,
                    "heading": o.heading,
                    "text": o.text,
                    "pages": o.span.pages,
                }
                for o in self.outline
            ],
            "activities": [_activity_export(a) for a in self.activities],
            "embedded": [e.to_export() for e in self.embedded],
        }


def _activity_export(a: Activity) -> dict[str, Any]:
    return {
        "seq": a.seq,
        "source": a.source,
        "category_raw": a.category_raw,
        "category": a.category,
        "category_method": a.category_method,
        "category_confidence": a.category_confidence,
        "category_evidence": a.category_evidence,
        "project": a.project,
        "content": a.content,
        "organizers_raw": a.organizers_raw,
        "organizers": a.organizers,
        "lead": a.lead,
        "time": a.time,
        "place": a.place,
        "extra": a.extra,
        "pages": a.span.pages,
        "bbox": a.span.bbox.model_dump() if a.span.bbox else None,
        "provenance": a.provenance.model_dump(mode="json") if a.provenance else None,
    }


def _unique(names: Any) -> list[str]:
    seen: dict[str, None] = {}
    for n in names:
        seen.setdefault(n, None)
    return list(seen)
