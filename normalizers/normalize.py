"""The normalize stage: one entry point over the per-field normalizers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast, get_args

import rules
from normalizers import categories
from normalizers.categories import categorize_activity, shared_projects
from normalizers.categories import data_hash as category_data_hash
from normalizers.organizations import OrgContext, notice_definitions, resolve_organizers
from normalizers.orgs import data_hash
from normalizers.orgs.docmeta import infer_facts
from normalizers.orgs.registry import load_registry
from normalizers.regions import load_regions
from schemas import Notice, OrganizerRef, StageError, StageResult
from schemas.notice import Level

# code version + hash of the rule/data files: editing a data file re-normalizes on the next run
NORMALIZER_VERSION = "3+" + category_data_hash() + "+" + data_hash() + "+" + rules.fingerprint()


@dataclass(frozen=True)
class NormalizeContext:
    """What a normalizer may know besides the notice itself."""

    file: str = ""


def normalize_notice(notice: Notice, context: NormalizeContext | None = None) -> StageResult[Notice]:
    context = context or NormalizeContext()
    out = notice.model_copy(deep=True)
    try:
        _normalize_one(out)
    except ValueError as exc:  # a rule table rejected a value: a recorded error, not a crash
        return StageResult.failure(StageError(stage="normalize", code="normalize.value", message=str(exc),
                                              file=context.file))
    return StageResult.success(out)


def warm_up() -> None:
    """Load the rule tables and dictionaries the first notice would (they load once a process, the
    categories' jieba dictionary alone ~0.7 s), for a caller that is waiting on something else."""
    categories.warm_up()
    load_regions()
    load_registry()


def _normalize_one(notice: Notice) -> None:
    for child in notice.embedded:
        _normalize_one(child)
    _normalize_meta(notice)
    meta = notice.meta
    org_context = OrgContext.of(meta.region, meta.level, meta.year, region_source=meta.region_source)
    defined = notice_definitions(_text(notice), org_context)
    if defined:  # the notice's own abbreviations (以下简称X) beat every general rule
        org_context = OrgContext.of(meta.region, meta.level, meta.year, defined, meta.region_source)
    headings = shared_projects(notice.activities)
    for activity in notice.activities:
        activity.organizer_refs = resolve_organizers(activity.organizers_raw, org_context)
        if not activity.organizers_raw and len(notice.meta.issuers) == 1:
            # an issuer announcing its own activities organizes them (several issuers: none)
            issuer = notice.meta.issuers[0]
            activity.organizer_refs = [OrganizerRef(raw=issuer, name=issuer, role="lead", resolved=True,
                                                    method="issuer", status="resolved",
                                                    evidence=["the notice's only issuer"])]
        categorize_activity(activity, notice.meta, headings)


def _normalize_meta(notice: Notice) -> None:
    meta = notice.meta
    forwarded = [name for child in notice.embedded for name in child.meta.issuers]
    facts = infer_facts(meta.issuers_raw, meta.doc_number, meta.title, _text(notice), exclude=forwarded,
                        year=meta.year)
    meta.issuers = facts.issuers
    meta.level = meta.level or _level(facts.level)
    if meta.region is None:
        meta.region, meta.region_source = facts.region, facts.region_source


def _level(value: str | None) -> Level | None:
    for level in get_args(Level):
        if value == level:
            return cast(Level, level)
    return None


def _text(notice: Notice) -> str:
    """Title, outline and activity text: where region names are looked for when nothing else tells."""
    parts = [notice.meta.title or ""]
    parts += [o.text + o.body for o in notice.outline]
    parts += [(a.organizers_raw or "") + a.content for a in notice.activities]
    return "\n".join(parts)
