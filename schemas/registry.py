"""What the organization registry hands the store: bodies, successor links and descriptions, decided
by the normalizers (names, types, regions, successors) and only stored by the loaders."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BodyRecord:
    """A registry body: full official name, type, level, region path, parent body, aliases."""

    name: str
    type: str = ""
    level: str = ""
    region: str = ""
    parent: str = ""
    aliases: tuple[str, ...] = ()
    collective: bool = False


@dataclass(frozen=True)
class SuccessorLink:
    """``predecessor`` was renamed or merged into ``successor`` (dated when known)."""

    predecessor: str
    successor: str
    effective: str = ""
    note: str = ""


@dataclass(frozen=True)
class BodyDescription:
    """Region, level and type of a body read from its name (or 'collective' for a set of bodies)."""

    region: str = ""
    level: str = ""
    type: str = ""
    collective: bool = False


@dataclass(frozen=True)
class RegistryPlan:
    """Everything one registry sync writes: bodies, successor links, descriptions of other names."""

    bodies: tuple[BodyRecord, ...] = ()
    links: tuple[SuccessorLink, ...] = ()
    descriptions: dict[str, BodyDescription] = field(default_factory=dict)
