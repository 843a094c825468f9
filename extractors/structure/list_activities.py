"""Outline items → activities, for notices that list their activities as numbered items.

Which items are activities, in order of precedence:
1. the leaves under a section that names activities (主要活动, 活动内容, X开展的活动…);
2. the run of items introduced by a lead-in paragraph (…主要活动如下：) and their leaves;
3. in a work plan, the leaves at the level where items carry their own assignment clause
   (（X局牵头，各成员单位配合）).
category_raw is the enclosing heading (None under an organizer heading X开展的活动);
organizers_raw is the section's organizer and the item's own clause, '；'-joined, as written.
"""

from __future__ import annotations

import re

from extractors.structure.organizer_clauses import PAREN_CLAUSE, item_clause
from schemas import Activity, OutlineItem

ACTIVITY_SECTION = re.compile(r"(主要活动|活动内容|重点活动|开展的活动|活动安排|工作任务|重点任务|主要任务|活动项目)")
SECTION_ORGANIZER = re.compile(r"^(.{2,30}?)(?:开展|组织|举办)的(?:主要|重点)?活动$")
LEAD_IN = re.compile(r"(活动|任务)(安排|项目)?(如下|有)[:：]$|(如下|以下)(几项|\d+项)?(活动|任务)[:：]$")
SECTION_MAX = 24


def list_activities(outline: list[OutlineItem], start_seq: int = 1) -> list[Activity]:
    chosen = activity_items(outline)
    return [_activity(item, outline, start_seq + i) for i, item in enumerate(chosen)]


def activity_items(outline: list[OutlineItem]) -> list[OutlineItem]:
    for rule in (_under_sections, _after_lead_in, _with_clauses):
        found = rule(outline)
        if found:
            return found
    return []


def _under_sections(outline: list[OutlineItem]) -> list[OutlineItem]:
    sections = [o for o in outline if _is_section(o, outline)]
    return [o for o in outline if _is_leaf(o, outline) and any(_inside(o, s) for s in sections)]


def _is_section(item: OutlineItem, outline: list[OutlineItem]) -> bool:
    heading = item.heading or ""
    return len(heading) <= SECTION_MAX and bool(ACTIVITY_SECTION.search(heading)) and not _is_leaf(item, outline)


def _after_lead_in(outline: list[OutlineItem]) -> list[OutlineItem]:
    out: list[OutlineItem] = []
    for i, first in enumerate(outline):
        if not (first.intro and LEAD_IN.search(first.intro.strip()) and "通知" not in first.intro):
            continue
        parent = _parent_path(first)
        for item in outline[i:]:
            if item.depth < first.depth or (item.depth == first.depth and _parent_path(item) != parent):
                break
            if _is_leaf(item, outline) and item not in out:
                out.append(item)
    return out


def _with_clauses(outline: list[OutlineItem]) -> list[OutlineItem]:
    leaves = [o for o in outline if _is_leaf(o, outline)]
    marked = [o for o in leaves if PAREN_CLAUSE.search(o.text)]
    if len(marked) < 2:
        return []
    depths = {o.depth for o in marked}
    level = [o for o in leaves if o.depth in depths]
    return level if len(marked) * 2 >= len(level) else []


def _is_leaf(item: OutlineItem, outline: list[OutlineItem]) -> bool:
    return not any(_inside(o, item) for o in outline)


def _inside(item: OutlineItem, section: OutlineItem) -> bool:
    return item.path != section.path and item.path.startswith(section.path + "/")


def _parent_path(item: OutlineItem) -> str:
    return item.path.rsplit("/", 1)[0] if "/" in item.path else ""


def _ancestors(item: OutlineItem, outline: list[OutlineItem]) -> list[OutlineItem]:
    """Enclosing items, nearest first."""
    return sorted((o for o in outline if _inside(item, o)), key=lambda o: -o.depth)


def _activity(item: OutlineItem, outline: list[OutlineItem], seq: int) -> Activity:
    ancestors = _ancestors(item, outline)
    parent = ancestors[0] if ancestors else None
    section_org = next((m.group(1) for a in ancestors if (m := SECTION_ORGANIZER.match(a.heading or ""))), None)
    label = parent.heading if parent is not None and not SECTION_ORGANIZER.match(parent.heading or "") else None
    return Activity(
        seq=seq, source="list", category_raw=label, content=item.text,
        organizers_raw=organizers_raw(item.text, section_org), outline_path=item.path, span=item.span,
    )


def organizers_raw(text: str, section_org: str | None) -> str | None:
    parts = [p for p in (section_org, item_clause(text, section_org)) if p]
    return "；".join(parts) or None
