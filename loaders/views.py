"""Analyst views over the store (issue 9), kept as data: names, portable SQL and comments.

The Alembic revision ``0100_analyst_views`` creates them from this module, so a later revision
can drop and recreate them from a newer version of the same data. The SQL is portable between
SQLite (>= 3.25, window functions) and PostgreSQL: only ``||``, ``rtrim(s, chars)``, ``replace``,
``COALESCE``, ``CASE``, window functions and ``WITH RECURSIVE``; no dialect functions.

One notice often arrives as several files (.docx and .pdf, a scan, a variant with the table
printed per page, a copy under another name): ``v_documents`` keeps one representative per notice
(``documents.notice_id``, decided by loaders.notices from content, never file names), and every
other view is built on it, so counts are per notice, not per file.

SQLite checks views when a table is renamed, so a later migration that recreates a table the
views read (``batch_alter_table`` dropping or retyping a column) must wrap it::

    drop_views(op)
    with op.batch_alter_table("documents") as batch: ...
    create_views(op)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

# File-name suffixes that mark another rendering of the same notice (stem_fragments.pdf, stem_scan.pdf).
VARIANT_SUFFIXES: tuple[str, ...] = ("_fragments", "_scan", "_ocr")

# Preference between renderings of one notice when they yield the same number of activities.
FORMAT_RANK: dict[str, int] = {"docx": 1, "html": 2, "pdf": 3, "ofd": 4, "doc": 5, "wps": 6, "text": 7}

_EXTENSION_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class View:
    name: str
    comment: str
    sql: str
    columns: dict[str, str] = field(default_factory=dict)
    facets: tuple[str, ...] = ()

    def create_sql(self) -> str:
        return f"CREATE VIEW {self.name} AS\n{self.sql.strip()}"

    def drop_sql(self) -> str:
        return f"DROP VIEW IF EXISTS {self.name}"


def file_stem_sql(name_column: str) -> str:
    """SQL for a file name without its extension and variant suffix: a_scan.pdf -> 'a.'."""
    expr = f"rtrim({name_column}, '{_EXTENSION_CHARS}')"
    for suffix in VARIANT_SUFFIXES:
        expr = f"replace({expr}, '{suffix}.', '.')"
    return expr


def format_rank_sql(format_column: str) -> str:
    whens = " ".join(f"WHEN '{fmt}' THEN {rank}" for fmt, rank in FORMAT_RANK.items())
    return f"CASE {format_column} {whens} ELSE 99 END"


def _completeness_sql(alias: str) -> str:
    fields = ("title", "doc_number", "date", "year", "level", "region")
    return " + ".join(f"CASE WHEN {alias}.{f} IS NULL THEN 0 ELSE 1 END" for f in fields)


V_DOCUMENTS = View(
    name="v_documents",
    comment=("current notices, one row per notice (loaders.notices: identical files, one doc number, or "
             "near-identical text): the representative is the file whose activity count most files agree on, "
             "then the most activities, the fullest metadata, the best format; off_topic rows are flagged "
             "files that are not quality-campaign notices (never counted)"),
    sql=f"""
WITH files AS (
    SELECT d.id, d.parent_id, d.position, d.title, d.doc_number, d.date, d.year, d.level, d.region,
           d.theme, d.issuers, d.off_topic, d.pages, sf.name AS source_file, sf.format AS source_format,
           COALESCE(d.notice_id, d.id) AS notice_id,
           (SELECT COUNT(*) FROM activities a WHERE a.document_id = d.id) AS activities,
           {_completeness_sql("d")} AS completeness
    FROM documents d
    JOIN source_files sf ON sf.id = d.source_file_id
    WHERE d.is_current AND sf.state IN ('loaded', 'off_topic')
),
numbers AS (
    SELECT notice_id, doc_number,
           ROW_NUMBER() OVER (PARTITION BY notice_id ORDER BY COUNT(*) DESC, doc_number) AS pick
    FROM files
    WHERE doc_number IS NOT NULL
    GROUP BY notice_id, doc_number
),
voted AS (
    SELECT f.*, COUNT(*) OVER (PARTITION BY f.notice_id, f.activities) AS agreeing
    FROM files f
),
ranked AS (
    SELECT k.*,
           ROW_NUMBER() OVER (
               PARTITION BY k.notice_id
               ORDER BY k.agreeing DESC, k.activities DESC, k.completeness DESC,
                        {format_rank_sql("k.source_format")}, k.source_file
           ) AS variant_rank,
           COUNT(*) OVER (PARTITION BY k.notice_id) AS variants,
           MAX(k.year) OVER (PARTITION BY k.notice_id) AS any_year,
           MAX(k.level) OVER (PARTITION BY k.notice_id) AS any_level,
           MAX(k.region) OVER (PARTITION BY k.notice_id) AS any_region,
           MAX(k.date) OVER (PARTITION BY k.notice_id) AS any_date,
           MAX(k.title) OVER (PARTITION BY k.notice_id) AS any_title
    FROM voted k
)
SELECT r.id AS document_id,
       COALESCE(n.doc_number, r.notice_id) AS notice_key,
       r.notice_id,
       r.source_file,
       r.source_format,
       r.variants,
       r.parent_id AS parent_document_id,
       r.position,
       COALESCE(r.title, r.any_title) AS title,
       COALESCE(r.doc_number, n.doc_number) AS doc_number,
       COALESCE(r.date, r.any_date) AS date,
       COALESCE(r.year, r.any_year) AS year,
       COALESCE(r.level, r.any_level) AS level,
       COALESCE(r.region, r.any_region) AS region,
       r.theme,
       r.issuers,
       r.off_topic,
       r.activities,
       r.pages
FROM ranked r
LEFT JOIN numbers n ON n.notice_id = r.notice_id AND n.pick = 1
WHERE r.variant_rank = 1
""",
    columns={
        "document_id": "documents.id of the representative file's document",
        "notice_key": "the doc number most files of the notice carry, else its notice_id",
        "notice_id": "documents.notice_id: the notice's identity (smallest document id among its files)",
        "source_file": "file name of the representative",
        "source_format": "detected format of the representative",
        "variants": "how many loaded files carry this notice (v_notice_files lists them)",
        "parent_document_id": "the forwarding notice when this one is embedded in another",
        "position": "0 top level, n = n-th embedded notice",
        "title": "title; from another variant when the representative lacks it",
        "doc_number": "发文字号; the notice's most common one when the representative lacks it",
        "date": "成文日期 (ISO); from another variant when the representative lacks it",
        "year": "campaign year; from another variant when the representative lacks it",
        "level": "national / provincial / municipal / district / industry",
        "region": "full region name ('' or NULL for national and industry notices)",
        "issuers": "canonical issuer names (JSON list)",
        "off_topic": "true: parsed, but not a quality-campaign notice (no activities; excluded from counts)",
        "activities": "number of activities extracted from the representative",
        "pages": "pages of the representative (JSON list)",
    },
    facets=("year", "level", "source_format"),
)

V_NOTICE_FILES = View(
    name="v_notice_files",
    comment=("one row per current file's document with the notice it carries: the representative, a variant "
             "(another rendering) or an identical copy, and how it was matched"),
    sql="""
SELECT d.id AS document_id,
       v.notice_key,
       COALESCE(d.notice_id, d.id) AS notice_id,
       sf.name AS source_file,
       sf.path AS source_path,
       sf.format AS source_format,
       d.position,
       CASE WHEN d.id = v.document_id THEN 'representative'
            WHEN d.notice_match = 'identical' OR (sf.sha256 = rsf.sha256 AND d.position = rd.position)
                THEN 'identical copy'
            ELSE 'variant' END AS role,
       d.notice_match AS matched_by,
       d.doc_number,
       d.title,
       d.year,
       (SELECT COUNT(*) FROM activities a WHERE a.document_id = d.id) AS activities,
       v.variants,
       d.off_topic
FROM documents d
JOIN source_files sf ON sf.id = d.source_file_id
JOIN v_documents v ON v.notice_id = COALESCE(d.notice_id, d.id)
JOIN documents rd ON rd.id = v.document_id
JOIN source_files rsf ON rsf.id = rd.source_file_id
WHERE d.is_current AND sf.state IN ('loaded', 'off_topic')
""",
    columns={
        "role": "representative (the file the other views read) / variant / identical copy",
        "matched_by": "first / identical (same sha256) / doc_number / text (near-identical text) / title",
        "activities": "activities extracted from this file (the representative's count is the notice's)",
        "variants": "files carrying the notice",
    },
    facets=("role", "matched_by", "source_format"),
)

V_ACTIVITIES = View(
    name="v_activities",
    comment="one row per activity of a current notice (representative files only), with its notice's context",
    sql="""
SELECT a.id AS activity_id,
       d.document_id,
       d.notice_key,
       d.source_file,
       d.doc_number,
       d.title AS document_title,
       d.year,
       d.level,
       d.region,
       a.position,
       a.seq,
       a.source,
       a.category,
       c.name_zh AS category_zh,
       a.category_raw,
       a.category_method,
       a.project,
       a.content,
       a.organizers_raw,
       a.time,
       a.place,
       a.outline_path,
       a.page,
       a.pages
FROM activities a
JOIN v_documents d ON d.document_id = a.document_id
LEFT JOIN categories c ON c.code = a.category
""",
    columns={
        "activity_id": "activities.id",
        "position": "order of the activity in its notice (1-based)",
        "seq": "序号 as printed, else position",
        "source": "table (a table row) or list (a numbered item)",
        "category": "one of the 7 category codes (categories.code)",
        "category_zh": "the category's Chinese name",
        "category_raw": "the notice's own label (类别 column or group heading)",
        "project": "项目 column of a table, when there is one",
        "content": "the activity text",
        "organizers_raw": "the organizer cell or clause as written",
        "page": "first page of the activity",
        "pages": "pages the activity spans (JSON list)",
    },
    facets=("year", "level", "category"),
)

V_ACTIVITY_ORGANIZERS = View(
    name="v_activity_organizers",
    comment="activity x canonical organization x role, one row per organizer of an activity",
    sql="""
SELECT va.activity_id,
       va.document_id,
       va.year,
       va.level,
       va.region,
       va.category,
       ao.position AS organizer_position,
       ao.role,
       o.id AS organization_id,
       o.name AS organization,
       o.is_collective AS collective,
       ao.resolved,
       ao.method,
       ao.raw AS organizer_raw
FROM activity_organizers ao
JOIN v_activities va ON va.activity_id = ao.activity_id
JOIN organizations o ON o.id = ao.organization_id
""",
    columns={
        "organizer_position": "order of the organizer within the activity",
        "role": "lead (主办/牵头) or co (配合/协办)",
        "organization": "canonical name; a leading * marks a collective (各成员单位)",
        "collective": "true for a collective phrase, never expanded into bodies",
        "resolved": "true when the raw form matched the organization registry",
        "method": "how the raw form was resolved",
        "organizer_raw": "the body as written in the notice",
    },
    facets=("year", "level", "category", "role"),
)

V_CAMPAIGNS = View(
    name="v_campaigns",
    comment="year x level x region: notices, activities and organizers of the campaigns (off-topic files excluded)",
    sql="""
WITH orgs AS (
    SELECT COALESCE(year, 0) AS year_key, COALESCE(level, '') AS level_key, COALESCE(region, '') AS region_key,
           COUNT(DISTINCT organization_id) AS organizations
    FROM v_activity_organizers
    GROUP BY COALESCE(year, 0), COALESCE(level, ''), COALESCE(region, '')
),
counts AS (
    SELECT d.year, d.level, d.region,
           COUNT(DISTINCT d.document_id) AS notices,
           COUNT(a.activity_id) AS activities,
           COUNT(DISTINCT a.category) AS categories
    FROM v_documents d
    LEFT JOIN v_activities a ON a.document_id = d.document_id
    WHERE NOT d.off_topic
    GROUP BY d.year, d.level, d.region
)
SELECT c.year, c.level, c.region, c.notices, c.activities, c.categories,
       COALESCE(o.organizations, 0) AS organizations
FROM counts c
LEFT JOIN orgs o ON o.year_key = COALESCE(c.year, 0) AND o.level_key = COALESCE(c.level, '')
                AND o.region_key = COALESCE(c.region, '')
""",
    columns={
        "notices": "notices of that year, level and region",
        "activities": "activities in those notices",
        "categories": "distinct activity categories used",
        "organizations": "distinct organizations named as organizers",
    },
    facets=("year", "level"),
)

V_ORGANIZATIONS_HISTORY = View(
    name="v_organizations_history",
    comment=("a body and each of its predecessors and successors (transitively) along the "
             "organization_links chain of institutional reforms"),
    sql="""
WITH RECURSIVE chain (origin_id, related_id, depth, kind, effective, note) AS (
    SELECT l.from_id, l.to_id, 1, l.kind, l.effective, l.note
    FROM organization_links l
    UNION ALL
    SELECT c.origin_id, l.to_id, c.depth + 1, l.kind, l.effective, l.note
    FROM chain c
    JOIN organization_links l ON l.from_id = c.related_id
    WHERE c.depth < 20 AND l.to_id <> c.origin_id
)
SELECT o.id AS organization_id, o.name AS organization, 'successor' AS relation,
       r.id AS related_id, r.name AS related, c.depth, c.kind, c.effective, c.note
FROM chain c
JOIN organizations o ON o.id = c.origin_id
JOIN organizations r ON r.id = c.related_id
UNION ALL
SELECT r.id AS organization_id, r.name AS organization, 'predecessor' AS relation,
       o.id AS related_id, o.name AS related, c.depth, c.kind, c.effective, c.note
FROM chain c
JOIN organizations o ON o.id = c.origin_id
JOIN organizations r ON r.id = c.related_id
""",
    columns={
        "organization": "the body",
        "relation": "successor: related replaced the body; predecessor: the body replaced related",
        "related": "the predecessor or successor body",
        "depth": "1 = direct link, 2 = successor of the successor, ...",
        "kind": "organization_links.kind of the last link (e.g. successor, merged_into)",
        "effective": "date the last link took effect (ISO, may be partial)",
        "note": "the reform behind the last link",
    },
)

VIEWS: tuple[View, ...] = (V_DOCUMENTS, V_NOTICE_FILES, V_ACTIVITIES, V_ACTIVITY_ORGANIZERS, V_CAMPAIGNS,
                           V_ORGANIZATIONS_HISTORY)
VIEW_NAMES: tuple[str, ...] = tuple(v.name for v in VIEWS)

def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def view_comment_statements(views: Iterable[View] = VIEWS) -> list[str]:
    """PostgreSQL COMMENT ON statements for the views and their documented columns."""
    out: list[str] = []
    for v in views:
        out.append(f"COMMENT ON VIEW {v.name} IS {sql_literal(v.comment)}")
        out += [f"COMMENT ON COLUMN {v.name}.{c} IS {sql_literal(t)}" for c, t in v.columns.items()]
    return out


class MigrationOps(Protocol):
    """The part of alembic.op the view helpers use."""

    def execute(self, sqltext: str, /) -> Any: ...

    def get_bind(self) -> Any: ...


def drop_views(op: MigrationOps, views: Iterable[View] = VIEWS) -> None:
    """Drop the views (every name either set ever had: dropping is by name, IF EXISTS)."""
    for name in dict.fromkeys([*reversed(VIEW_NAMES), *(v.name for v in reversed(tuple(views)))]):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def create_views(op: MigrationOps, views: Iterable[View] = VIEWS) -> None:
    """(Re)create the views (``views``: the set a migration's own schema holds, loaders.views_0100 before
    0124); on PostgreSQL also the view and column comments.

    Base-table comments live in loaders.models (``comment=``), where Alembic compares them."""
    views = tuple(views)
    drop_views(op, views)
    for view in views:
        op.execute(view.create_sql())
    if op.get_bind().dialect.name == "postgresql":
        for statement in view_comment_statements(views):
            op.execute(statement)
