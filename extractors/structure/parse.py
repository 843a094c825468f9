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
from schemas.provenance import TableReading

STRUCTURE_VERSION = "6"
_TOPIC = re.compile(r"质量|品牌|标准|计量|检验|认证|监管|监督")
# Words that name a quality campaign outright: one is enough, however short the text (a fragment
# holding only a title such as 关于开展2012年全市“质量月”活动的通知 is still a notice).
_CAMPAIGN = re.compile(r"质量月|质量强[国省市区县]|质量提升|质量兴|质量发展")
# Quality work, but also said in passing by notices of other fields (食品质量安全, 安全管理和质量管理).
_QUALITY_WORK = re.compile(r"质量工作|质量安全|品牌建设|质量管理")
# 高质量发展 is said of everything since 2017: it names no quality campaign.
_PASSING = re.compile(r"高质量")
# What a title names when the notice is about quality (质量, 品牌, 标准, 计量, 检验检测, 认证认可, QC).
_TITLE_TOPIC = re.compile(r"质量|品牌|标准|计量|检验|检测|认证|认可|QC", re.IGNORECASE)
TITLE_TOPIC_DENSITY = 1.0  # quality terms per 100 characters that outweigh a title about something else


def is_off_topic(text: str, title: str | None = None) -> bool:
    """Not a quality-campaign notice. A campaign word anywhere, or a title about quality (质量, 品牌,
    标准, 计量 …), decides on-topic; a title naming another subject (安全生产月, 消防宣传月) decides
    off-topic unless quality terms are dense (an attachment table under a plain title); without a
    title, quality-work words or three quality terms make it a notice."""
    text = _PASSING.sub("", text)
    if _CAMPAIGN.search(text):
        return False
    terms = len(_TOPIC.findall(text))
    if title and _TITLE_TOPIC.search(_PASSING.sub("", title)):
        return False
    if title:
        return terms * 100 < TITLE_TOPIC_DENSITY * max(len(text), 1)
    return not _QUALITY_WORK.search(text) and terms < 3


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
    notice.meta.off_topic = is_off_topic(text, notice.meta.title)
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
    tables: list[TableReading] = []
    activities = table_activities(items, readings=tables)
    if not activities:
        activities = list_activities(outline)
    pages = sorted({p for b in paragraphs for p in b.pages})
    return Notice(meta=meta, outline=outline, activities=activities, span=Span(pages=pages), tables=tables)
