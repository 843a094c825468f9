"""Renamed and merged bodies: successor links and the name current in a notice's year.

``successors.csv`` holds dated links between named bodies (国家质量监督检验检疫总局 →
国家市场监督管理总局, 2018-03-21) and generic rules over a name's ending, '*' standing for any
region prefix (*质量技术监督局 → *市场监督管理局): a rule links every body whose name ends so
to the body of the same region with the new ending. A link takes effect from its date; a
notice of a later campaign (the 质量月 is September: a link dated before September counts in
its own year) knows the successor as the current name of the body. Undated links are kept
but decide nothing by year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from normalizers.orgs.registry import Registry, Successor, load_registry
from schemas.registry import SuccessorLink

CAMPAIGN_MONTH = 9  # the 质量月: a change dated before September is in force in that year's campaign
_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2}))?")


def successor_links(names: Iterable[str], reg: Registry | None = None) -> list[SuccessorLink]:
    """The registry's explicit links, and the generic rule of each other name (same region prefix)."""
    reg = reg or load_registry()
    links = [_link(s.predecessor, s.successor, s) for s in reg.successors if not s.generic]
    linked = {s.predecessor for s in reg.successors if not s.generic}
    for name in sorted(set(names) - linked):  # an explicit link beats the generic rules
        rule = generic_rule(name, reg)
        if rule is not None:
            links.append(_link(name, generic_successor(name, rule) or name, rule))
    return links


def generic_rule(name: str, reg: Registry) -> Successor | None:
    """The generic rule for ``name``: the one with the longest matching ending (*省经济和信息化委员会
    → *省工业和信息化厅 before *经济和信息化委员会 → *工业和信息化局)."""
    rules = [s for s in reg.successors if s.generic and generic_successor(name, s) is not None]
    return max(rules, key=lambda s: len(s.predecessor), default=None)


def generic_successor(name: str, rule: Successor) -> str | None:
    """The successor a generic rule gives ``name`` (南京市质量技术监督局 → 南京市市场监督管理局), or None."""
    old, new = rule.predecessor.lstrip("*"), rule.successor.lstrip("*")
    if name.startswith("*") or not name.endswith(old) or len(name) <= len(old):
        return None
    return name[: -len(old)] + new


def _link(old: str, new: str, rule: Successor) -> SuccessorLink:
    return SuccessorLink(predecessor=old, successor=new, effective=rule.effective, note=rule.note)


def in_force(effective: str, year: int) -> bool:
    """Whether a change dated ``effective`` (YYYY[-MM[-DD]]) is in force in the campaign of ``year``."""
    m = _DATE.match(effective or "")
    if m is None:
        return False
    y, month = int(m.group("y")), int(m.group("m") or 0)
    return y < year or (y == year and 0 < month < CAMPAIGN_MONTH)


def current_name(name: str, year: int | None, reg: Registry | None = None) -> tuple[str, tuple[str, ...]]:
    """The name current in ``year`` for a body written ``name``: its dated successors followed while
    in force (国家质量监督检验检疫总局 in 2019 → 国家市场监督管理总局), and the links taken as evidence."""
    if year is None:
        return name, ()
    reg = reg or load_registry()
    seen = {name}
    steps: list[str] = []
    cur = name
    while (nxt := _next(cur, year, reg)) is not None and nxt[0] not in seen:
        cur, rule = nxt
        seen.add(cur)
        steps.append(f"successor since {rule.effective}: {cur}")
    return cur, tuple(steps)


def _next(name: str, year: int, reg: Registry) -> tuple[str, Successor] | None:
    """The successor in force in ``year``: an explicit link of the name first, else its generic rule."""
    explicit = next((s for s in reg.successors if not s.generic and s.predecessor == name), None)
    rule = explicit or generic_rule(name, reg)
    if rule is None or not in_force(rule.effective, year):
        return None
    return (rule.successor if explicit else generic_successor(name, rule) or name), rule
