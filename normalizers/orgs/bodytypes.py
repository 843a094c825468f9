"""Body types by the ending of a name (``rules.bodies.body_types``, the one list of body-name
endings): 公司 → enterprise, 协会 → association, 院/所/站/中心 → institution, 局/委员会/厅 →
government. Endings marked ``as_written`` name a body that, with its region written in front
(成都市建设工程质量监督站, 湖北省建筑业协会), is taken as written: no grammar builds such names,
none is guessed."""

from __future__ import annotations

from normalizers.orgs.registry import Registry, load_registry
from rules.bodies import BodyType, body_types


def tail_of(rest: str) -> BodyType | None:
    """The longest type-telling ending of ``rest`` (which must hold more than the ending), if any."""
    return next((t for t in body_types() if rest.endswith(t.ending) and len(rest) > len(t.ending)), None)


def body_type(rest: str, reg: Registry | None = None) -> str:
    """The type of a body from its name after the region prefix: a known department, else its ending."""
    reg = reg or load_registry()
    found = tail_of(rest)
    return reg.departments.get(rest) or (found.type if found else "")
