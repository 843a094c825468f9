"""The store (SPEC §3): SQLAlchemy 2 models. Alembic migrations create and evolve it.

Derived rows (documents, outline items, activities, organizer links, references) carry
deterministic ids built from the source path, so a rerun rewrites the same ids and exports
diff cleanly; every derived row carries the load id of the run that wrote it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = {"comment": "one row per pipeline run (the load id stamped on every row it wrote)"}

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SourceFile(Base):
    __tablename__ = "source_files"
    __table_args__ = (
        Index("ix_source_files_state", "state"),
        {"comment": "every input file seen, with its content hash and processing state"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(String(1000), unique=True, comment="path as discovered")
    name: Mapped[str] = mapped_column(String(300), comment="file name; export file is NAME.json")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger, comment="bytes")
    format: Mapped[str | None] = mapped_column(String(20), comment="detected from content")
    state: Mapped[str] = mapped_column(String(20), comment="loaded / off_topic / failed / withdrawn")
    error_stage: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_kind: Mapped[str | None] = mapped_column(String(20), comment="terminal (retry is useless) / transient")
    reason: Mapped[str | None] = mapped_column(String(200), comment="why it failed or was flagged, in words")
    error_message: Mapped[str | None] = mapped_column(Text)
    quarantine_path: Mapped[str | None] = mapped_column(String(1000))
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    extractor_version: Mapped[str | None] = mapped_column(String(200))
    normalizer_version: Mapped[str | None] = mapped_column(String(200))
    parsed: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, deferred=True, comment="stored parse (pre-normalization)")  # deferred: large, read by renormalize only
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    loaded_at: Mapped[datetime | None] = mapped_column(DateTime)
    load_id: Mapped[str | None] = mapped_column(String(40))
    seconds: Mapped[float | None] = mapped_column(Float, comment="processing time of the last attempt")


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("year", "level", "region", "organizer", name="uq_campaign"),
        {"comment": "a Quality-Month campaign: year x level x region x organizing body"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, default=0, comment="0 when unknown")
    level: Mapped[str] = mapped_column(String(20), default="")
    region: Mapped[str] = mapped_column(String(100), default="", comment="'' for national/industry")
    organizer: Mapped[str] = mapped_column(String(200), default="", comment="first issuer, canonical")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = {"comment": "a notice; an embedded (forwarded) notice is a document with a parent"}

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0, comment="0 top level, n = n-th embedded")
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    title: Mapped[str | None] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(100), index=True)
    issuers: Mapped[list[Any]] = mapped_column(JSON, default=list, comment="canonical issuer names")
    issuers_raw: Mapped[list[Any]] = mapped_column(JSON, default=list)
    date: Mapped[str | None] = mapped_column(String(10), comment="成文日期 ISO")
    year: Mapped[int | None] = mapped_column(Integer, index=True, comment="campaign year")
    level: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(100))
    region_source: Mapped[str | None] = mapped_column(
        String(20), comment="where the region came from: issuer, doc_number, title or text")
    theme: Mapped[str | None] = mapped_column(Text)
    slogans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    off_topic: Mapped[bool] = mapped_column(Boolean, default=False)
    pages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, comment="false once the file is withdrawn")
    notice_id: Mapped[str | None] = mapped_column(String(40), index=True, comment=(
        "the notice this document is (loaders.notices): the smallest document id among the files carrying it"))
    notice_match: Mapped[str | None] = mapped_column(String(20), comment=(
        "how it joined its notice: first / identical / doc_number / text / title"))
    fingerprint: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, deferred=True, comment="bottom-k sketch of the text's 4-gram hashes (notice identity)")
    load_id: Mapped[str] = mapped_column(String(40))
    extractor_version: Mapped[str] = mapped_column(String(200))
    normalizer_version: Mapped[str] = mapped_column(String(200))

    outline_items: Mapped[list[OutlineItemRow]] = relationship(
        back_populates="document", order_by="OutlineItemRow.seq", cascade="all, delete-orphan")
    activities: Mapped[list[ActivityRow]] = relationship(
        back_populates="document", order_by="ActivityRow.position", cascade="all, delete-orphan")


class OutlineItemRow(Base):
    __tablename__ = "outline_items"
    __table_args__ = {"comment": "numbered items of a notice (一、/（一）/1./（1）)"}

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(200))
    marker: Mapped[str] = mapped_column(String(40))
    depth: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    page: Mapped[int | None] = mapped_column(Integer, comment="first page")
    bbox: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    load_id: Mapped[str] = mapped_column(String(40))
    extractor_version: Mapped[str] = mapped_column(String(200))

    document: Mapped[Document] = relationship(back_populates="outline_items")


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = {"comment": "the 7 activity categories of SPEC 2.5"}

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = {"comment": "one activity: a table row or a numbered list item"}

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, comment="order in the document")
    seq: Mapped[int] = mapped_column(Integer, comment="序号 as printed, else position")
    source: Mapped[str] = mapped_column(String(10), comment="table / list")
    category_raw: Mapped[str | None] = mapped_column(Text, comment="the source's own label")
    category: Mapped[str | None] = mapped_column(ForeignKey("categories.code"), index=True)
    category_method: Mapped[str | None] = mapped_column(String(20))
    category_confidence: Mapped[float | None] = mapped_column(Float, comment="0 = no evidence … 1 = one code only")
    category_evidence: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, comment="what decided the category: label words, cue words, priors, scores")
    category_key: Mapped[str | None] = mapped_column(String(16), index=True,
                                                     comment="key of the activity's text (category_overrides)")
    project: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    organizers_raw: Mapped[str | None] = mapped_column(Text)
    time: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(Text)
    outline_path: Mapped[str | None] = mapped_column(String(200))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, comment="unmapped table columns")
    pages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    page: Mapped[int | None] = mapped_column(Integer, comment="first page")
    bbox: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, comment="table activities: table, rows, pages and columns read")
    load_id: Mapped[str] = mapped_column(String(40))
    extractor_version: Mapped[str] = mapped_column(String(200))
    normalizer_version: Mapped[str] = mapped_column(String(200))

    document: Mapped[Document] = relationship(back_populates="activities")
    organizers: Mapped[list[ActivityOrganizer]] = relationship(
        order_by="ActivityOrganizer.position", cascade="all, delete-orphan")


class CategoryOverride(Base):
    __tablename__ = "category_overrides"
    __table_args__ = {"comment": "analysts' category corrections, by activity text key; applied at every load"}

    key: Mapped[str] = mapped_column(String(16), primary_key=True, comment="activities.category_key")
    category: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    note: Mapped[str | None] = mapped_column(Text)
    example: Mapped[str | None] = mapped_column(Text, comment="the activity's text when the override was made")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = {"comment": "canonical organizations (bodies and collectives)"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, comment="canonical full name; '*' = collective")
    type: Mapped[str | None] = mapped_column(String(40))
    admin_level: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    is_collective: Mapped[bool] = mapped_column(Boolean, default=False)
    in_registry: Mapped[bool] = mapped_column(Boolean, default=False, comment="false = unresolved, kept as written")


class OrganizationAlias(Base):
    __tablename__ = "organization_aliases"
    __table_args__ = (UniqueConstraint("alias", "organization_id", name="uq_alias"),
                      {"comment": "raw forms met for each organization"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))


class OrganizationLink(Base):
    __tablename__ = "organization_links"
    __table_args__ = (UniqueConstraint("from_id", "to_id", "kind", name="uq_org_link"),
                      {"comment": "predecessor → successor links (institutional reforms)"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="successor")
    effective: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)


class ActivityOrganizer(Base):
    __tablename__ = "activity_organizers"
    __table_args__ = {"comment": "activity x organization x role (lead / co)"}

    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    raw: Mapped[str] = mapped_column(Text, comment="the body as written")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str | None] = mapped_column(String(40))

    organization: Mapped[Organization] = relationship()


class DocumentReference(Base):
    __tablename__ = "document_references"
    __table_args__ = {"comment": "doc numbers a notice cites or forwards"}

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    doc_number: Mapped[str] = mapped_column(String(100), index=True)
    relation: Mapped[str] = mapped_column(String(20), default="cites", comment="cites / forwards")
    referenced_document_id: Mapped[str | None] = mapped_column(String(40))


class NoticePart(Base):
    """A file that is part of another file's notice: an attachment (附件) of a notice page or document."""

    __tablename__ = "notice_parts"
    __table_args__ = {"comment": "attachments of a notice: the page or document file and the files that complete it"}

    part_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), primary_key=True)
    notice_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, comment="order of the part in its notice (附件1, 附件2, …)")
    label: Mapped[str | None] = mapped_column(String(40), comment="附件1 as the name gives it")
