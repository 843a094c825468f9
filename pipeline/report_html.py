"""`qmetl report`: one self-contained HTML file (charts embedded as base64 PNG, no external links).

Sections: the notices (one row per notice, not per file), notices per level x year, activities by
year x level, category mix by year, top organizations, coverage of year x region (one panel per
level, every year shown), organizer names not in the registry, files that could not be parsed;
totals include when the store was last loaded. Every number
comes from the analyst views through a read-only connection.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url

from loaders.analyst_queries import analyst_query
from loaders.tabular import run_query
from pipeline import charts


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    note: str = ""
    image: bytes | None = None
    table: pd.DataFrame | None = None


@dataclass(frozen=True)
class Report:
    source: str
    generated: str
    totals: dict[str, int | str]
    sections: list[Section] = field(default_factory=list)
    font: str | None = None


def _query(url: str, name: str) -> pd.DataFrame:
    return run_query(url, analyst_query(name).sql)


def _totals(url: str) -> dict[str, int | str]:
    """Notices (one however many files carry it; off-topic files apart), activities, files, last load."""
    sql = """SELECT (SELECT COUNT(*) FROM v_documents WHERE NOT off_topic AND parent_document_id IS NULL) AS notices,
                    (SELECT COUNT(*) FROM v_documents WHERE NOT off_topic AND parent_document_id IS NOT NULL)
                        AS embedded_notices,
                    (SELECT COUNT(*) FROM v_activities) AS activities,
                    (SELECT COUNT(*) FROM source_files WHERE state = 'loaded') AS files_loaded,
                    (SELECT COUNT(*) FROM source_files WHERE state = 'off_topic') AS files_off_topic,
                    (SELECT COUNT(*) FROM source_files WHERE state = 'failed') AS files_failed,
                    (SELECT MAX(loaded_at) FROM source_files) AS last_loaded"""
    row = run_query(url, sql).iloc[0]
    out: dict[str, int | str] = {k: int(v) for k, v in row.items() if k != "last_loaded"}
    last = row["last_loaded"]
    out["last_loaded"] = "never" if last is None or pd.isna(last) else f"{str(last)[:16].replace('T', ' ')} UTC"
    return out


LEVELS = ("national", "provincial", "municipal", "district", "industry")
NO_REGION = {"national": "全国 (national)", "industry": "industry bodies"}


def year_columns(years: pd.Series) -> list[object]:
    """Every year from the first to the last one met (years without a notice included), then (unknown)."""
    known = sorted({int(y) for y in years.dropna()})
    span: list[object] = list(range(known[0], known[-1] + 1)) if known else []
    return span + ([charts.MISSING] if years.isna().any() else [])


def _year_key(frame: pd.DataFrame) -> pd.Series:
    return frame["year"].astype("object").map(lambda y: charts.MISSING if pd.isna(y) else int(y))


def _levels(present: set[str]) -> list[str]:
    return [lv for lv in LEVELS if lv in present] + sorted(present - set(LEVELS))


def level_year_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Levels down, every year across: notices (activities); an empty cell is a year with no notice."""
    if frame.empty:
        return pd.DataFrame()
    cells = [f"{int(n)} ({int(a or 0)})" for n, a in zip(frame["notices"], frame["activities"], strict=True)]
    data = frame.assign(year=_year_key(frame), level=charts.labelled(frame, "level"), cell=cells)
    table = data.pivot_table(index="level", columns="year", values="cell", aggfunc="first")
    return table.reindex(index=_levels(set(table.index)), columns=year_columns(frame["year"])).astype(object).fillna("")


def coverage_panels(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One table per level (its regions down, every year across, activities; NaN = no notice): levels and
    regions are never mixed on one axis."""
    if frame.empty:
        return {}
    data = frame.assign(year=_year_key(frame), level=charts.labelled(frame, "level"),
                        activities=pd.to_numeric(frame["activities"]).astype(float))
    panels: dict[str, pd.DataFrame] = {}
    for level in _levels(set(data["level"])):
        part = data[data["level"] == level]
        place = part["region"].astype("object").where(part["region"].notna() & (part["region"] != ""),
                                                      NO_REGION.get(level, "(no region)"))
        table = part.assign(place=place).pivot_table(index="place", columns="year", values="activities",
                                                      aggfunc="sum")
        panels[level] = table.reindex(columns=year_columns(frame["year"]))
    return panels


def coverage_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The coverage panels as one table: level, region, then a column per year (empty: no notice)."""
    panels = coverage_panels(frame)
    if not panels:
        return pd.DataFrame()
    out = pd.concat({lv: t for lv, t in panels.items()}, names=["level", "region"]).reset_index()
    out.columns = [str(c) for c in out.columns]
    return out.map(lambda v: "" if isinstance(v, float) and pd.isna(v) else (int(v) if isinstance(v, float) else v))


def _activity_sections(url: str, style: charts.ChartStyle) -> list[Section]:
    by_level = _query(url, "activities_by_year_level")
    mix = _query(url, "category_mix_by_year")
    return [
        Section("year_level", "Activities by year and level",
                image=charts.stacked_bars(by_level, "year", "level", "activities",
                                          "Activities by year x level", style)),
        Section("category_mix", "Category mix by year", note="share of each year's activities per category",
                image=charts.stacked_bars(mix, "year", "category", "activities",
                                          "Category mix by year (%)", style, share=True)),
    ]


def _organization_sections(url: str, style: charts.ChartStyle) -> list[Section]:
    top = _query(url, "top_organizations")
    unresolved = _query(url, "unresolved_organizers")
    return [
        Section("top_organizations", "Top 20 organizations", note="activities each body organizes (lead or co)",
                image=charts.horizontal_bars(top, "organization", "activities", "Top 20 organizations", style),
                table=top),
        Section("unresolved", f"Unresolved organizers ({len(unresolved)})",
                note="organizer names kept as written because the registry does not know them",
                table=unresolved),
    ]


def _notice_sections(url: str) -> list[Section]:
    notices = _query(url, "notices")
    counted = notices[~notices["status"].str.startswith("off-topic")]
    return [
        Section("notices", f"Notices ({len(counted)}; {len(notices) - len(counted)} off-topic files apart)",
                note=("one row per notice, however many files carry it (PDF, DOCX, scan, copies): files = how many; "
                      "off-topic files are not quality-campaign notices and are not counted"),
                table=notices.drop(columns=["notice_key"])),
        Section("level_year", "Notices per level and year",
                note="notices (activities); an empty cell is a year with no notice at that level",
                table=level_year_table(_query(url, "notices_by_level_year")).reset_index()),
    ]


def _coverage_sections(url: str, style: charts.ChartStyle) -> list[Section]:
    frame = _query(url, "coverage")
    failures = _query(url, "parse_failures")
    return [
        Section("coverage", "Coverage: activities per year and region, one panel per level",
                note="an empty cell is a year with no notice for that place; levels are never mixed on one axis",
                image=charts.heatmap_panels(coverage_panels(frame), "Activities per year x region", style),
                table=coverage_table(frame)),
        Section("failures", f"Parse failures ({len(failures)})", note="files recorded as failed, with the reason",
                table=failures),
    ]


def build_report(url: str, style: charts.ChartStyle | None = None) -> Report:
    style = style or charts.ChartStyle()
    font = charts.use_font(style.font_path)
    sections = (_notice_sections(url) + _activity_sections(url, style) + _organization_sections(url, style)
                + _coverage_sections(url, style))
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    source = make_url(url).render_as_string(hide_password=True)
    return Report(source=source, generated=generated, totals=_totals(url), sections=sections, font=font)


# --- HTML ---------------------------------------------------------------------------------------

CSS = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.totals{display:flex;gap:1.5em}.totals div{background:#f2f5f9;padding:.6em 1em;border-radius:6px}
.totals b{display:block;font-size:1.5em}img.chart{max-width:100%;height:auto;display:block;margin:.5em 0}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;
text-align:left;vertical-align:top;max-width:36em;overflow-wrap:anywhere}th{background:#f2f5f9}.note{color:#666;font-size:.9em}
"""


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def html_table(frame: pd.DataFrame, limit: int = 200) -> str:
    if frame.empty:
        return '<p class="note">none</p>'
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in frame.head(limit).itertuples(index=False))
    more = f'<p class="note">… {len(frame) - limit} more rows</p>' if len(frame) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"


def _section_html(s: Section) -> str:
    parts = [f'<section id="{s.key}"><h2>{html.escape(s.title)}</h2>']
    if s.note:
        parts.append(f'<p class="note">{html.escape(s.note)}</p>')
    if s.image is not None:
        data = base64.b64encode(s.image).decode("ascii")
        parts.append(f'<img class="chart" alt="{html.escape(s.title)}" src="data:image/png;base64,{data}">')
    if s.table is not None:
        parts.append(html_table(s.table))
    return "\n".join(parts) + "</section>"


def render_html(report: Report) -> str:
    totals = "".join(f"<div><b>{v}</b>{html.escape(k.replace('_', ' '))}</div>" for k, v in report.totals.items())
    font = html.escape(report.font or "default font (no CJK font found)")
    body = "\n".join(_section_html(s) for s in report.sections)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>qmetl report</title><style>{CSS}</style></head><body>"
        f"<h1>质量月 notices: analyst report</h1><p class=\"note\">store {html.escape(report.source)} · "
        f"generated {report.generated} · chart font {font}</p><div class=\"totals\">{totals}</div>\n{body}"
        "</body></html>\n"
    )


def write_report(url: str, out: Path, style: charts.ChartStyle | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(build_report(url, style)), encoding="utf-8")
    return out
