"""What a registry sync writes to the store, decided here so the loaders only store it.

:func:`registry_plan` turns the registry (organizations.csv) and the names the store already
holds into bodies, successor links (:mod:`normalizers.orgs.history`) and descriptions: the
region, level and type a body's name tells (南京市质量技术监督局 → 江苏省南京市, municipal,
government), the type from its department name or its ending (:mod:`normalizers.orgs.bodytypes`).
"""

from __future__ import annotations

from collections.abc import Iterable

from normalizers.orgs.bodytypes import body_type
from normalizers.orgs.history import successor_links
from normalizers.orgs.registry import Registry, load_registry
from normalizers.regions import match_prefix
from schemas.registry import BodyDescription, BodyRecord, RegistryPlan

COLLECTIVE_MARK = "*"  # a name standing for a set of bodies (*苏州市相城区各成员单位)


def is_collective(name: str) -> bool:
    return name.startswith(COLLECTIVE_MARK)


def describe(name: str, reg: Registry | None = None) -> BodyDescription | None:
    """Region, level and type a body's name tells, or None when it names no region."""
    if is_collective(name):
        return BodyDescription(type="collective", collective=True)
    region, n = match_prefix(name)
    if region is None:
        return None
    return BodyDescription(region=region.path, level=region.level, type=body_type(name[n:], reg))


def registry_plan(stored_names: Iterable[str] = (), reg: Registry | None = None) -> RegistryPlan:
    """Bodies of the registry, successor links over registry and stored names, descriptions of names."""
    reg = reg or load_registry()
    bodies = tuple(BodyRecord(name=e.name, type=e.type, level=e.level, region=e.region, parent=e.parent,
                              aliases=e.aliases, collective=is_collective(e.name)) for e in reg.entries.values())
    names = {*stored_names, *reg.entries}
    links = tuple(successor_links(names, reg))
    described = names | {lk.successor for lk in links} | {lk.predecessor for lk in links}
    descriptions = {n: d for n in sorted(described) if (d := describe(n, reg)) is not None}
    return RegistryPlan(bodies=bodies, links=links, descriptions=descriptions)
