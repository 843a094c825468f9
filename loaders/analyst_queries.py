"""Questions the report charts and Datasette offers as canned queries: portable SQL on the views."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalystQuery:
    name: str
    title: str
    sql: str


ANALYST_QUERIES: tuple[AnalystQuery, ...] = (
    AnalystQuery("activities_by_year_level", "Activities by year and level", """
SELECT year, level, COUNT(*) AS activities
FROM v_activities
GROUP BY year, level
ORDER BY year, level"""),
    AnalystQuery("category_mix_by_year", "Category mix by year", """
SELECT year, COALESCE(category_zh, category, '(none)') AS category, COUNT(*) AS activities
FROM v_activities
GROUP BY year, COALESCE(category_zh, category, '(none)')
ORDER BY year, category"""),
    AnalystQuery("top_organizations", "Top 20 organizations by activities organized", """
SELECT organization, COUNT(DISTINCT activity_id) AS activities,
       COUNT(DISTINCT CASE WHEN role = 'lead' THEN activity_id END) AS as_lead
FROM v_activity_organizers
WHERE NOT collective
GROUP BY organization
ORDER BY activities DESC, organization
LIMIT 20"""),
    AnalystQuery("coverage", "Coverage: notices and activities per year, level and region", """
SELECT year, level, region, notices, activities
FROM v_campaigns
ORDER BY year, level, region"""),
    AnalystQuery("notices", "Notices: one row per notice, however many files carry it", """
SELECT COALESCE(title, source_file) AS title, level, region, year, activities, variants AS files,
       CASE WHEN off_topic THEN 'off-topic (not counted)'
            WHEN parent_document_id IS NOT NULL THEN 'embedded (forwarded)' ELSE 'loaded' END AS status,
       notice_key, source_file AS representative
FROM v_documents
ORDER BY off_topic, year, level, region, title"""),
    AnalystQuery("notices_by_level_year", "Notices and activities per level and year", """
SELECT level, year, COUNT(*) AS notices, SUM(activities) AS activities
FROM v_documents
WHERE NOT off_topic
GROUP BY level, year
ORDER BY level, year"""),
    AnalystQuery("unresolved_organizers", "Organizer names not found in the registry", """
SELECT organizer_raw, organization, COUNT(*) AS mentions, COUNT(DISTINCT document_id) AS notices,
       MIN(activity_id) AS example_activity
FROM v_activity_organizers
WHERE NOT resolved AND NOT collective
GROUP BY organizer_raw, organization
ORDER BY mentions DESC, organizer_raw"""),
    AnalystQuery("parse_failures", "Files that could not be parsed", """
SELECT name AS file, format, error_stage, error_code, error_message, quarantine_path
FROM source_files
WHERE state = 'failed'
ORDER BY name"""),
)


def analyst_query(name: str) -> AnalystQuery:
    for q in ANALYST_QUERIES:
        if q.name == name:
            return q
    raise KeyError(f"no analyst query {name!r}; known: {', '.join(q.name for q in ANALYST_QUERIES)}")
