"""The normalize stage: one entry point over the per-field normalizers."""

from __future__ import annotations

from dataclasses import dataclass

from normalizers.categories import categorize
from normalizers.organizations import resolve_organizers
from schemas import Notice, StageError, StageResult

NORMALIZER_VERSION = "1"


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


def _normalize_one(notice: Notice) -> None:
    meta = notice.meta
    if not meta.issuers:
        meta.issuers = list(meta.issuers_raw)
    for activity in notice.activities:
        activity.organizer_refs = resolve_organizers(activity.organizers_raw)
        activity.category, activity.category_method = categorize(activity.category_raw, activity.content,
                                                                 activity.project)
    for child in notice.embedded:
        _normalize_one(child)
