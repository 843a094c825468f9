"""Outline items → activities, for notices that list their activities as numbered items.

Where the activities are, in order of precedence:
1. under a section that names activities (主要活动, 活动内容, X开展的活动…);
2. in the run of items introduced by a lead-in paragraph (…主要活动如下：);
3. in a work plan, at the level where items carry their own assignment clause
   (（X局牵头，各成员单位配合）, or a 牵头单位：… line after the item);
4. a bare list (a notice that is a title and its numbered items): the top-level items, when
   most of them read as activities (data/non_activities.toml [activity] words).
One item is one activity: inside such a region, an item that is only a heading (or a lead-in
ending in ：) groups the activities under it; any other item is an activity, and the items
under it (（1）…, 一是…) are its sub-points. Items the vocabulary in data/non_activities.toml
names (活动时间, 总结报送, 工作要求…) are not activities; the reason stays on the outline item.
category_raw is the enclosing heading (None under an organizer heading X开展的活动); organizers_raw is the section's organizer and the item's own
clause, '；'-joined, as written; extra['organizer_clause'] says which clause form gave it.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from extractors.structure.organizer_clauses import find_clause
from schemas import Activity, OutlineItem

ACTIVITY_SECTION = re.compile(r"(主要活动|活动内容|重点活动|开展的活动|活动安排|工作任务|重点任务|主要任务|活动项目|重点工作"
                              r"|主要工作|工作内容|具体活动|系列活动)")
SECTION_ORGANIZER = re.compile(r"^(.{2,30}?)(?:开展|组织|举办)的(?:主要|重点)?活动$")
LEAD_IN = re.compile(r"(活动|任务)(安排|项目)?(如下|有)[:：]$|(如下|以下)(几项|\d+项)?(活动|任务|工作)[:：]$")
SECTION_MAX = 24


@lru_cache(maxsize=1)
def _terms() -> list[tuple[str, str]]:
    data = tomllib.loads(resources.files("extractors").joinpath("data/non_activities.toml").read_text("utf-8"))
    pairs = [(term, reason) for reason, terms in data["terms"].items() for term in terms]
    return sorted(pairs, key=lambda p: -len(p[0]))


def non_activity_reason(item: OutlineItem) -> str | None:
    """'time: 活动时间' when the item opens with a non-activity term, else None."""
    text = re.sub(r"\s+", "", item.text)
    for term, reason in _terms():
        if text.startswith(term) and (len(text) == len(term) or text[len(term)] in "：:。，,；;"):
            return f"{reason}: {term}"
    return None


def list_activities(outline: list[OutlineItem], start_seq: int = 1) -> list[Activity]:
    chosen = activity_items(outline)
    return [_activity(item, outline, start_seq + i) for i, item in enumerate(chosen)]


def activity_items(outline: list[OutlineItem]) -> list[OutlineItem]:
    tree = _Tree(outline)
    for rule in (_under_sections, _after_lead_in, _with_clauses, _bare_list):
        found = rule(tree)
        if found:
            return found
    return []


class _Tree:
    def __init__(self, outline: list[OutlineItem]) -> None:
        self.items = outline
        self.by_path = {o.path: o for o in outline}
        self.kids: dict[str, list[OutlineItem]] = {}
        for o in outline:
            self.kids.setdefault(_parent_path(o), []).append(o)

    def children(self, item: OutlineItem) -> list[OutlineItem]:
        return self.kids.get(item.path, [])

    def ancestors(self, item: OutlineItem) -> list[OutlineItem]:
        """Enclosing items, nearest first."""
        out, path = [], _parent_path(item)
        while path:
            if path in self.by_path:
                out.append(self.by_path[path])
            path = path.rsplit("/", 1)[0] if "/" in path else ""
        return out


def _is_section(item: OutlineItem, tree: _Tree) -> bool:
    heading = item.heading or ""
    return bool(tree.children(item)) and len(heading) <= SECTION_MAX and bool(ACTIVITY_SECTION.search(heading)) \
        and non_activity_reason(item) is None


def _under_sections(tree: _Tree) -> list[OutlineItem]:
    sections = [o for o in tree.items if _is_section(o, tree)
                and not any(_is_section(a, tree) for a in tree.ancestors(o))]
    out: list[OutlineItem] = []
    for s in sections:
        out += _pick(tree.children(s), tree)
    return out


def _pick(items: list[OutlineItem], tree: _Tree) -> list[OutlineItem]:
    """The activities among sibling items: groups open up, non-activities are left (with the reason)."""
    out: list[OutlineItem] = []
    for item in items:
        reason = non_activity_reason(item)
        if reason:
            item.not_activity = reason
        elif _is_group(item, tree):
            out += _pick(tree.children(item), tree)
        else:
            out.append(item)
    return out


def _is_group(item: OutlineItem, tree: _Tree) -> bool:
    """An item whose children are the activities: a bare heading, a lead-in ending in ：, or one
    whose children carry the assignment clauses it lacks."""
    kids = tree.children(item)
    if not kids:
        return False
    text = re.sub(r"\s+", "", item.text).rstrip("。")
    if text == re.sub(r"\s+", "", item.heading or "") or text.endswith(("：", ":")):
        return True
    own = find_clause(item.text, None, item.body)
    return own is None and sum(1 for k in kids if _assigned(k)) * 2 > len(kids)


def _assigned(item: OutlineItem) -> bool:
    clause = find_clause(item.text, None, item.body)
    return clause is not None and clause.form in ("paren", "labels")


def _after_lead_in(tree: _Tree) -> list[OutlineItem]:
    out: list[OutlineItem] = []
    for first in tree.items:
        if not (first.intro and LEAD_IN.search(first.intro.strip()) and "通知" not in first.intro):
            continue
        run = [o for o in tree.kids.get(_parent_path(first), []) if o.seq >= first.seq]
        out += [o for o in _pick(run, tree) if o not in out]
    return out


def _with_clauses(tree: _Tree) -> list[OutlineItem]:
    candidates = [o for o in tree.items if not any(non_activity_reason(a) for a in [o, *tree.ancestors(o)])]
    marked = [o for o in candidates if _assigned(o)]
    if len(marked) < 2:
        return []
    depths = {o.depth for o in marked}
    level = [o for o in candidates if o.depth in depths and not _is_group(o, tree)]
    return level if len(marked) * 2 >= len(level) else []


def _bare_list(tree: _Tree) -> list[OutlineItem]:
    top = [o for o in tree.items if "/" not in o.path]
    picked = _pick(top, tree)
    doing = [o for o in picked if any(w in (o.heading or o.text) for w in _activity_words())]
    return picked if len(picked) >= 2 and len(doing) * 2 > len(picked) else []


@lru_cache(maxsize=1)
def _activity_words() -> tuple[str, ...]:
    data = tomllib.loads(resources.files("extractors").joinpath("data/non_activities.toml").read_text("utf-8"))
    return tuple(data["activity"]["words"])


def _parent_path(item: OutlineItem) -> str:
    return item.path.rsplit("/", 1)[0] if "/" in item.path else ""


def _activity(item: OutlineItem, outline: list[OutlineItem], seq: int) -> Activity:
    tree = _Tree(outline)
    ancestors = tree.ancestors(item)
    parent = ancestors[0] if ancestors else None
    section_org = next((m.group(1) for a in ancestors if (m := SECTION_ORGANIZER.match(a.heading or ""))), None)
    label = parent.heading if parent is not None and not SECTION_ORGANIZER.match(parent.heading or "") else None
    clause = find_clause(item.text, section_org, item.body)
    parts = [p for p in (section_org, clause.raw if clause else None) if p]
    extra = {}
    if clause:
        extra["organizer_clause"] = clause.form
    if section_org:
        extra["organizer_section"] = section_org
    return Activity(
        seq=seq, source="list", category_raw=label, content=item.text, organizers_raw="；".join(parts) or None,
        outline_path=item.path, span=item.span, extra=extra,
    )


def organizers_raw(text: str, section_org: str | None) -> str | None:
    clause = find_clause(text, section_org)
    parts = [p for p in (section_org, clause.raw if clause else None) if p]
    return "；".join(parts) or None
