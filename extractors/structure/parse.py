"""Layout → parsed notice: the format-independent structure stage.

The block stream is cut into the notice itself and any notice embedded in it (a
forwarded notice carried as an attachment); each part gets its own metadata, outline and
activities. A forwarding notice cites the notices it carries.
"""

from __future__ import annotations

import re

from extractors.structure.blocks import Block, BlockItem, build_blocks
from extractors.structure.list_activities import list_activities
from extractors.structure.metadata import ORG_TOKEN, extract_meta
from extractors.structure.outline import build_outline
from extractors.structure.redhead import red_head
from extractors.structure.segments import attachment_entries, slogan_regions, split_embedded
from extractors.structure.tables import table_activities
from schemas import LayoutDocument, Notice, Span, StageError, StageResult

STRUCTURE_VERSION = "4"
_TOPIC = re.compile(r"质量|品牌|标准|计量|检验|认证|监管|监督")
# Words that name a quality campaign outright: one is enough, however short the text (a fragment
# holding only a title such as 关于开展2012年全市“质量月”活动的通知 is still a notice).
_CAMPAIGN = re.compile(r"质量月|质量强[国省市区县]|质量提升|质量发展|质量工作|质量兴|质量安全|品牌建设|质量管理")


def is_off_topic(text: str) -> bool:
    """Not a quality-campaign notice: no campaign words and fewer than three quality terms."""
    return not _CAMPAIGN.search(text) and len(_TOPIC.findall(text)) < 3


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
    main, embedded = split_embedded(items)
    notice = parse_segment(main)
    notice.span = Span(pages=[p.number for p in doc.pages])
    for part in embedded:
        child = parse_segment(part)
        notice.embedded.append(child)
        number = child.meta.doc_number
        if number and number not in notice.meta.references and number != notice.meta.doc_number:
            notice.meta.references.append(number)
    notice.meta.off_topic = is_off_topic(text)
    warnings = ["off-topic: not a quality-campaign notice"] if notice.meta.off_topic else []
    return StageResult.success(notice, warnings)


def parse_segment(items: list[BlockItem]) -> Notice:
    """Metadata, outline and activities of one notice's blocks."""
    paragraphs = [b for b in items if isinstance(b, Block)]
    names, entries = attachment_entries(paragraphs)
    skip = set(entries)
    for region in slogan_regions(paragraphs, names):
        skip.update(region)
    outline = build_outline(paragraphs, skip)
    meta = extract_meta(paragraphs, outline, red_head(items, ORG_TOKEN))
    activities = table_activities(items)
    if not activities:
        activities = list_activities(outline)
    pages = sorted({p for b in paragraphs for p in b.pages})
    return Notice(meta=meta, outline=outline, activities=activities, span=Span(pages=pages))
