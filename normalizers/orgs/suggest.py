"""Candidate canonical names for an unresolved form — suggestions for a curator, never applied.

rapidfuzz ranks registry names by similarity; close strings can be different bodies
(市科技局 / 市商务局), so a person confirms with ``qmetl orgs add``.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from normalizers.orgs.registry import load_registry
from normalizers.orgs.resolve import expand


def suggest(name: str, limit: int = 2, cutoff: float = 65.0) -> list[str]:
    """Registry names most like ``name`` (after abbreviation expansion), best first."""
    choices = list(load_registry().entries)
    found = process.extract(expand(name), choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
    return [match for match, _score, _index in found]
