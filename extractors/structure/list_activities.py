"""Outline items → activities, for notices that list their activities as numbered items."""

from __future__ import annotations

import re

from schemas import Activity, OutlineItem

ACTIVITY_SECTION = re.compile(r"(主要活动|活动内容|重点活动|开展的活动|活动安排|工作任务|重点任务|主要任务|活动项目)")
SECTION_ORGANIZER = re.compile(r"^(.{2,30}?)(?:开展|组织)的(?:主要|重点)?活动$")
CLAUSE = re.compile(r"[（(]([^（）()]{2,80}(?:牵头|负责|配合|参与|协办)[^（）()]*)[）)]\s*[。；;]?\s*$")


def list_activities(outline: list[OutlineItem], start_seq: int = 1) -> list[Activity]:
    sections = [o for o in outline if o.heading and ACTIVITY_SECTION.search(o.heading)]
    out: list[Activity] = []
    for item in outline:
        section = _enclosing(item, sections)
        if section is None or _has_children(item, outline):
            continue
        out.append(_activity(item, section, outline, start_seq + len(out)))
    return out


def _enclosing(item: OutlineItem, sections: list[OutlineItem]) -> OutlineItem | None:
    for s in sections:
        if item.path != s.path and item.path.startswith(s.path + "/"):
            return s
    return None


def _has_children(item: OutlineItem, outline: list[OutlineItem]) -> bool:
    return any(o.path.startswith(item.path + "/") for o in outline)


def _parent(item: OutlineItem, outline: list[OutlineItem]) -> OutlineItem | None:
    parent_path = item.path.rsplit("/", 1)[0] if "/" in item.path else None
    return next((o for o in outline if o.path == parent_path), None)


def _activity(item: OutlineItem, section: OutlineItem, outline: list[OutlineItem], seq: int) -> Activity:
    parent = _parent(item, outline)
    label = parent.heading if parent is not None else section.heading
    return Activity(
        seq=seq, source="list", category_raw=label, content=item.text,
        organizers_raw=organizers_raw(item, parent or section), outline_path=item.path, span=item.span,
    )


def organizers_raw(item: OutlineItem, section: OutlineItem) -> str | None:
    parts: list[str] = []
    m = SECTION_ORGANIZER.match(section.heading or "")
    if m:
        parts.append(m.group(1))
    clause = CLAUSE.search(item.text)
    if clause:
        parts.append(clause.group(1))
    return "；".join(parts) or None
