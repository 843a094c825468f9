"""The analyst views as revision 0100 created them, for the migrations before 0124 (issue 24).

Migrations replay view SQL from data, and a revision must create views its own schema can hold:
until 0124, ``v_documents`` grouped the files of a notice by doc number and file stem; from 0124 on
it reads the notice identity stored on each document (loaders.notices). Frozen: never edit.
"""

from __future__ import annotations

from loaders.views import View, _completeness_sql, file_stem_sql, format_rank_sql

V_DOCUMENTS_0100 = View(
    name="v_documents",
    comment=("current notices, one row per notice: of the files carrying the same notice "
             "(same doc number, else same file stem without variant suffix) the representative is the "
             "one whose activity count most files agree on, then the most activities, the fullest "
             "metadata, the best format"),
    sql=f"""
WITH files AS (
    SELECT d.id, d.parent_id, d.position, d.title, d.doc_number, d.date, d.year, d.level, d.region,
           d.theme, d.issuers, d.off_topic, d.pages, sf.name AS source_file, sf.format AS source_format,
           {file_stem_sql("sf.name")} || d.position AS file_key,
           (SELECT COUNT(*) FROM activities a WHERE a.document_id = d.id) AS activities,
           {_completeness_sql("d")} AS completeness
    FROM documents d
    JOIN source_files sf ON sf.id = d.source_file_id
    WHERE d.is_current AND sf.state IN ('loaded', 'off_topic')
),
stem_numbers AS (
    SELECT file_key, doc_number,
           ROW_NUMBER() OVER (PARTITION BY file_key ORDER BY COUNT(*) DESC, doc_number) AS pick
    FROM files
    WHERE doc_number IS NOT NULL
    GROUP BY file_key, doc_number
),
keyed AS (
    SELECT f.*, COALESCE(s.doc_number, f.doc_number, f.file_key) AS notice_key
    FROM files f
    LEFT JOIN stem_numbers s ON s.file_key = f.file_key AND s.pick = 1
),
voted AS (
    SELECT k.*, COUNT(*) OVER (PARTITION BY k.notice_key, k.activities) AS agreeing
    FROM keyed k
),
ranked AS (
    SELECT k.*,
           ROW_NUMBER() OVER (
               PARTITION BY k.notice_key
               ORDER BY k.agreeing DESC, k.activities DESC, k.completeness DESC,
                        {format_rank_sql("k.source_format")}, k.source_file
           ) AS variant_rank,
           COUNT(*) OVER (PARTITION BY k.notice_key) AS variants,
           MAX(k.year) OVER (PARTITION BY k.notice_key) AS any_year,
           MAX(k.level) OVER (PARTITION BY k.notice_key) AS any_level,
           MAX(k.region) OVER (PARTITION BY k.notice_key) AS any_region,
           MAX(k.date) OVER (PARTITION BY k.notice_key) AS any_date
    FROM voted k
)
SELECT r.id AS document_id,
       r.notice_key,
       r.source_file,
       r.source_format,
       r.variants,
       r.parent_id AS parent_document_id,
       r.position,
       r.title,
       r.doc_number,
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
WHERE r.variant_rank = 1
""",
    columns={
        "document_id": "documents.id of the representative file's document",
        "notice_key": ("the doc number most files of the same stem carry, else the file's own doc number, "
                       "else its file stem (+ embedded position)"),
        "source_file": "file name of the representative",
        "source_format": "detected format of the representative",
        "variants": "how many loaded files carry this notice",
        "parent_document_id": "the forwarding notice when this one is embedded in another",
        "position": "0 top level, n = n-th embedded notice",
        "date": "成文日期 (ISO); from another variant when the representative lacks it",
        "year": "campaign year; from another variant when the representative lacks it",
        "level": "national / provincial / municipal / district / industry",
        "region": "full region name ('' or NULL for national and industry notices)",
        "issuers": "canonical issuer names (JSON list)",
        "activities": "number of activities extracted from the representative",
        "pages": "pages of the representative (JSON list)",
    },
    facets=("year", "level", "source_format"),
)

V_ACTIVITIES_0100 = View(
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

V_ACTIVITY_ORGANIZERS_0100 = View(
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

V_CAMPAIGNS_0100 = View(
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

V_ORGANIZATIONS_HISTORY_0100 = View(
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

VIEWS_0100: tuple[View, ...] = (V_DOCUMENTS_0100, V_ACTIVITIES_0100, V_ACTIVITY_ORGANIZERS_0100, V_CAMPAIGNS_0100,
                                V_ORGANIZATIONS_HISTORY_0100)
