"""Layout → parsed notice: the format-independent structure stage."""

from __future__ import annotations

import re

from extractors.structure.blocks import Block, build_blocks
from extractors.structure.list_activities import list_activities
from extractors.structure.metadata import extract_meta
from extractors.structure.outline import build_outline
from extractors.structure.tables import table_activities
from schemas import LayoutDocument, Notice, Span, StageError, StageResult

STRUCTURE_VERSION = "1"
_TOPIC = re.compile(r"质量|品牌|标准|计量|检验|认证|监管|监督")


def parse_notice(doc: LayoutDocument) -> StageResult[Notice]:
    items = build_blocks(doc)
    paragraphs = [b for b in items if isinstance(b, Block)]
    text = "".join(b.text for b in paragraphs)
    if not text.strip() and not any(not isinstance(b, Block) for b in items):
        return StageResult.failure(StageError(
            stage="structure", code="structure.no_text", file=doc.source.path,
            message="no text in any page (no text layer, OCR unavailable or found nothing)",
            expected="a notice with a text layer, or the OCR extra installed",
        ))
    meta = extract_meta(paragraphs)
    outline = build_outline(paragraphs)
    activities = table_activities(items)
    if not activities:
        activities = list_activities(outline)
    meta.off_topic = len(_TOPIC.findall(text)) < 3
    pages = [p.number for p in doc.pages]
    notice = Notice(meta=meta, outline=outline, activities=activities, span=Span(pages=pages))
    warnings = ["off-topic: not a quality-campaign notice"] if meta.off_topic else []
    return StageResult.success(notice, warnings)
