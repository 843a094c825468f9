"""Raw organizer strings → body mentions with roles.

A raw string is split into segments on ；; (section organizer；item clause), segments into
clauses on ，, and clauses into bodies on 、. Role markers: X牵头/负责/主办 → lead,
Y配合/协办/参与 → co, X会同Y / X联合Y → X lead and Y co, 会同Y / 联合Y / 配合Y → co,
X、Y联合 → all lead. Without a marker, bodies of the first segment lead and bodies of later
segments (the item's own bodies after its section's organizer) are co-organizers.
Never split on 和/及/与 here: they sit inside names (发展和改革委员会).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.bodies import ETC_END, ending_pattern, endings
from schemas.notice import Role

_SEGMENT = "；;\n"
_CLAUSE = "，,。"
_BODY = "、/"
_OPEN, _CLOSE = "（(", "）)"
_LEAD_SUFFIX = re.compile(r"(牵头|负责|主办|承办|组织实施|组织|联合)$")
_CO_SUFFIX = re.compile(r"(配合|协办|参与|协助|支持)$")
_CO_PREFIX = re.compile(r"^(会同|联合(?!会|国)|配合|协同|协助|协调)")
_INFIX = re.compile(r"^(?P<left>.+?)(会同|联合(?!会)|协同)(?P<right>.+)$")  # 联合会 is a body type
_BY = re.compile(r"^由")
_LABEL = re.compile(r"^(?P<label>主办|承办|牵头|责任|配合|协办|参与|组织|指导)(?:单位|部门)[:：]")
_GUIDES = re.compile(r"(指导|监制)$")  # a guiding body is mentioned, not an organizer (SPEC §2.4)
_CO_LABELS = ("配合", "协办", "参与")
_UNIT = "(?:新疆生产建设兵团|计划单列市|副省级城市|自治区|自治州|自治县|直辖市|街道|[省市州盟县区旗镇乡])"
_ADMIN_RUN = re.compile(rf"各(?P<first>{_UNIT})(?P<rest>(?:、{_UNIT})+)")
# a space between two names separates them, unless the right part only continues the left one
CONTINUATIONS = frozenset(endings("continues"))
_NAME_END = re.compile(rf"{ending_pattern('wrap')}$")


@dataclass(frozen=True)
class Mention:
    text: str
    role: Role


def protect_collectives(raw: str) -> str:
    """各市、区住建部门 (各省、自治区、直辖市…) is one collective: 各市（区）住建部门, so 、 does not split it."""
    def repl(m: re.Match[str]) -> str:
        rest = m.group("rest").lstrip("、")
        return f"各{m.group('first')}（{rest}）"
    return _ADMIN_RUN.sub(repl, raw)


def split_top(text: str, separators: str) -> list[str]:
    """Split on ``separators`` outside brackets: 各县（市、区）政府 stays one piece."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if ch in separators and depth <= 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p for p in (x.strip() for x in parts) if p]


def _bodies(text: str) -> list[str]:
    return [ETC_END.sub("", b) for b in split_top(text, _BODY) if ETC_END.sub("", b)]


def _clause(clause: str, default: Role) -> list[Mention]:
    text = _BY.sub("", ETC_END.sub("", clause.strip()))
    if _GUIDES.search(text):
        return []
    if m := _CO_PREFIX.match(text):
        return [Mention(b, "co") for b in _bodies(text[m.end():])]
    if m := _CO_SUFFIX.search(text):
        return [Mention(b, "co") for b in _bodies(text[:m.start()])]
    if inf := _INFIX.match(text):
        left = _LEAD_SUFFIX.sub("", inf.group("left"))
        right = _LEAD_SUFFIX.sub("", inf.group("right"))
        return [Mention(b, "lead") for b in _bodies(left)] + [Mention(b, "co") for b in _bodies(right)]
    if m := _LEAD_SUFFIX.search(text):
        return [Mention(b, "lead") for b in _bodies(text[:m.start()])]
    return [Mention(b, default) for b in _bodies(text)]


def unwrap(text: str) -> str:
    """（区市场监管局牵头，各成员单位配合） → the clause inside the brackets."""
    while len(text) > 2 and text[0] in _OPEN and text[-1] in _CLOSE and _encloses(text):
        text = text[1:-1]
    return text


def _encloses(text: str) -> bool:
    """The first bracket closes at the last character (not （一）…（二）)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch in _OPEN) - (ch in _CLOSE)
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def join_spaced(raw: str) -> str:
    """Whitespace removed; where it stood between two complete names (省质监局 省工商局) it becomes 、."""
    parts = [p for p in re.split(r"\s+", raw.strip()) if p]
    out = parts[:1]
    for part in parts[1:]:
        sep = "、" if _NAME_END.search(out[-1]) and part not in CONTINUATIONS and len(part) > 2 else ""
        out.append(sep + part)
    return "".join(out)


def split_mentions(raw: str | None) -> list[Mention]:
    """Every body named in ``raw`` with its role, in order."""
    if not raw:
        return []
    text = unwrap(join_spaced(protect_collectives(raw)))
    out: list[Mention] = []
    for i, segment in enumerate(split_top(text, _SEGMENT)):
        default: Role = "lead" if i == 0 else "co"
        if label := _LABEL.match(segment):
            if label.group("label") == "指导":
                continue
            default = "co" if label.group("label") in _CO_LABELS else "lead"
            segment = segment[label.end():]
        for clause in split_top(segment, _CLAUSE):
            out.extend(_clause(clause, default))
    return out
