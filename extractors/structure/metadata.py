"""Document metadata from one notice's paragraph stream, raw values as written.

title (wrapped title-font lines; absent → the cover letter's 《…》), doc_number (〔〕, no
spaces), date (the 成文日期 line under the signature, not the 印发 date), issuers_raw (the
signature's body names; unsigned → the red head's bodies, else the doc number's issuer abbreviation), references,
attachments, theme (活动主题 section or …主题是：X), slogans (口号 lists), campaign year.
Canonical issuers, level and region are the normalizers' job.
"""

from __future__ import annotations

import re

from extractors.readers.scan_text import OCR_FONT
from extractors.structure.blocks import Block, is_page_number
from extractors.structure.outline import block_marker
from extractors.structure.segments import (
    ATTACH_HEAD,
    attachment_entries,
    is_title_text,
    slogan_regions,
    slogans,
    squash,
)
from rules.bodies import ending_pattern
from rules.dates import DATE_LINE, YEAR_OF, parse_date
from rules.docnumbers import DOC_NUMBER, DOC_NUMBER_LINE, ISSUER_ABBREV, find_doc_numbers
from schemas import DocumentMeta, OutlineItem

ORG_TOKEN = re.compile(rf"^[\u4e00-\u9fa5（）()]{{2,30}}{ending_pattern('signature')}$")
THEME_HEAD = re.compile(r"^(?:活动)?主题$")
THEME_INLINE = re.compile(r"主题(?:是|为)?[:：]\s*[“\"]?([^。；”\"]{4,40})[”\"]?")
THEME_QUOTED = re.compile(r"以\s*[“\"]([^。；”\"]{4,40})[”\"]\s*为(?:活动)?主题")  # 以“建设质量强国”为主题
SALUTATION = re.compile(r"[:：]$")
SIGNATURE_AFTER = re.compile(r"(附件|抄送|印发|[（(]此件|[（(]?联系人)")
OCR_SIZE_TOLERANCE = 0.2
SENTENCE_CLOSE = ("。", "！", "？", "!", "?", "）", ")")
SIGNATURE_LINES = 20  # a joint notice signs with up to ~20 bodies, one or two a line


def is_date_line(text: str) -> bool:
    """A 成文日期 line: a date alone, perhaps followed by a parenthetical (（此件公开发布）)."""
    return bool(DATE_LINE.match(text))


def is_org_line(text: str) -> bool:
    """A signature line: one or more body names separated by spaces, nothing else."""
    tokens = re.sub(r"[（(](?:代?章|印|盖章)[）)]", "", text).split()
    return bool(tokens) and len(squash(text)) <= 90 and all(ORG_TOKEN.match(t) for t in tokens)


def extract_meta(blocks: list[Block], outline: list[OutlineItem] | None = None,
                 head_names: list[str] | None = None) -> DocumentMeta:
    """``head_names``: the red head's bodies (structure/redhead.py), used when the notice is
    unsigned or its signature names only some of them."""
    outline = outline or []
    meta = DocumentMeta()
    meta.doc_number = find_doc_number(_head(blocks))
    meta.title = find_title(blocks)
    date_idx = signed_date_index(blocks)
    if date_idx is not None:
        meta.date = parse_date(blocks[date_idx].text)
    meta.issuers_raw = issuers_as_written(signature(blocks, date_idx, outline), head_names or []) \
        or _abbrev_issuer(meta.doc_number)
    all_text = "\n".join(b.text for b in blocks)
    meta.references = [n for n in find_doc_numbers(all_text) if n != meta.doc_number]
    meta.attachments, _ = attachment_entries(blocks)
    meta.theme = find_theme(blocks, outline)
    meta.slogans = slogans(blocks, slogan_regions(blocks, meta.attachments), meta.theme)
    meta.year = campaign_year(meta)
    return meta


def signed_date_index(blocks: list[Block]) -> int | None:
    """The 成文日期: the first date line right under a signature line, else the first date line."""
    dates = [i for i, b in enumerate(blocks) if is_date_line(b.text)]
    signed = [i for i in dates if i > 0 and is_org_line(blocks[i - 1].text)]
    found = signed or dates
    return found[0] if found else None


def find_doc_number(head: list[Block]) -> str | None:
    """The document's own number: a line that is only one (under a red head of many bodies, or
    inside a web page's furniture), else the first line that opens with one."""
    for b in head:
        if DOC_NUMBER_LINE.match(b.text):
            return find_doc_numbers(b.text)[0]
    for b in head[:10]:
        nums = find_doc_numbers(b.text)
        if nums and squash(b.text).startswith(squash(nums[0])[:2]) and not ATTACH_HEAD.match(b.text):
            return nums[0]
    return None


def find_title(blocks: list[Block]) -> str | None:
    """The title before the first numbered item: the longest run of title-font lines that
    reads as a title (a wrapped title); else the cover letter's 《…》."""
    head = _head(blocks)
    body = _body_size(blocks)
    found = [(i, *t) for i in range(len(head)) if (t := _title_at(head, i, body))]
    if found:
        # the title font is the largest of the head: a running header or a sidebar line reads as
        # a title too, but is never set larger than the title itself (a wrapped title counts
        # with its largest line: OCR sizes vary from line to line)
        return max(found, key=lambda f: (f[2], -f[0]))[1]
    for blk in head:
        m = re.search(r"《([^》]{6,60})》", blk.text)
        if m and is_title_text(m.group(1)):
            return m.group(1).strip()
    return None


def _title_at(head: list[Block], i: int, body: float) -> tuple[str, float] | None:
    """The title that starts at head[i] (with up to two continuation lines) and its font size."""
    run = [head[i]]
    if _title_part(head[i], head[i], body):
        for nxt in head[i + 1:i + 3]:
            if not _title_part(nxt, head[i], body, continued=True):
                break
            run.append(nxt)
    for k in range(len(run), 0, -1):
        text = "".join(x.text.strip() for x in run[:k])
        if is_title_text(text):
            return text, max(x.font_size or 0.0 for x in run[:k])
    return None


def _head(blocks: list[Block]) -> list[Block]:
    first_item = next((i for i, b in enumerate(blocks) if block_marker(b) is not None), len(blocks))
    return blocks[:min(first_item, 30)]


def _body_size(blocks: list[Block]) -> float:
    sizes = sorted(b.font_size for b in blocks if b.font_size)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _title_part(part: Block, first: Block, body: float, continued: bool = False) -> bool:
    """A line that may open (or continue) a wrapped title: the title's font, larger than the
    body or opening with 关于, short, no sentence punctuation, not a masthead or doc number."""
    p = squash(part.text)
    same_font = _same_font(part, first)
    title_font = continued or (part.font_size or 0) > body or p.startswith("关于")
    return same_font and title_font and 0 < len(p) <= 40 and not re.search(r"[。；：:]", p) \
        and not p.endswith(("文件", "文")) and not DOC_NUMBER.search(p) and not ATTACH_HEAD.match(p)


def _same_font(a: Block, b: Block) -> bool:
    """Set in one font: equal sizes (and weight); OCR only estimates a size from the line's
    height, so there sizes within OCR_SIZE_TOLERANCE of each other count as one."""
    if _ocr(a) and _ocr(b) and a.font_size and b.font_size:
        return abs(a.font_size - b.font_size) <= OCR_SIZE_TOLERANCE * max(a.font_size, b.font_size)
    return a.font_size == b.font_size and a.bold == b.bold


def _ocr(b: Block) -> bool:
    return bool(b.lines) and all(ln.font_name == OCR_FONT for ln in b.lines)


def signature(blocks: list[Block], date_idx: int | None, outline: list[OutlineItem]) -> list[str]:
    """Issuers as written: the name lines just above the date, or, when there is no date, the
    first run of name lines after the body that follows a finished sentence and ends the text or
    stands before the attachments, 抄送 or 印发 lines (a table's cell lines that read as names,
    电和旅游局, are not a signature). Names on one line are split at spaces."""
    lines: list[str] = []
    if date_idx is not None:
        for b in reversed(blocks[max(0, date_idx - SIGNATURE_LINES):date_idx]):
            if not is_org_line(b.text):
                break
            lines.insert(0, b.text)
    else:
        start = _after_last_item(blocks, outline)
        run = [b.text for b in blocks[start:] if not is_page_number(b.text)]
        k = 0
        while k < len(run):
            end = k
            while end < len(run) and is_org_line(run[end]):
                end += 1
            before = squash(run[k - 1]) if k else ""
            if end > k and (not before or before.endswith(SENTENCE_CLOSE) or ATTACH_HEAD.match(before)) \
                    and (end == len(run) or SIGNATURE_AFTER.match(squash(run[end]))):
                lines = run[k:end]
                break
            k = end + 1
    return [tok for line in lines for tok in re.sub(r"[（(](?:代?章|印|盖章)[）)]", "", line).split()]


def issuers_as_written(signed: list[str], head: list[str]) -> list[str]:
    """The signature's names; the red head's when there is no signature, or when the signature
    names only some of the red head's bodies (the others signed by stamp alone)."""
    if not signed:
        return head
    if len(head) > len(signed) and {squash(x) for x in signed} <= {squash(x) for x in head}:
        return head
    return signed


def _after_last_item(blocks: list[Block], outline: list[OutlineItem]) -> int:
    if not outline:
        return 0
    last = outline[-1].text[:12]
    idx = [i for i, b in enumerate(blocks) if last and last in b.text]
    return idx[-1] + 1 if idx else 0


def _abbrev_issuer(doc_number: str | None) -> list[str]:
    """No signature: the issuer's abbreviation that opens the doc number (中机质协〔2020〕10号)."""
    m = ISSUER_ABBREV.match(doc_number or "")
    return [m.group(1)] if m else []


def find_theme(blocks: list[Block], outline: list[OutlineItem]) -> str | None:
    """活动主题 section body (past a lead-in ending in ：), else '…主题是：X'."""
    for item in outline:
        if THEME_HEAD.match(squash(item.heading or item.text)) and item.body:
            paras = [p.strip() for p in item.body.split("\n") if p.strip()]
            inline = THEME_INLINE.search(paras[0]) if paras else None
            if inline and inline.group(1).strip():
                return _clean_theme(inline.group(1))
            while paras and SALUTATION.search(paras[0]):
                paras.pop(0)
            if paras:
                return _clean_theme(paras[0])
    # 主题是：X anywhere; 以“X”为主题 only in the opening (inside an item it is that activity's)
    for pattern, where in ((THEME_INLINE, blocks), (THEME_QUOTED, _head(blocks))):
        for b in where:
            m = pattern.search(b.text.replace("*", ""))
            if m:
                return _clean_theme(m.group(1))
    return None


def _clean_theme(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip(" “”\"。；;")


def campaign_year(meta: DocumentMeta) -> int | None:
    for text in (meta.title or "", meta.theme or ""):
        m = YEAR_OF.search(text)
        if m:
            return int(m.group(1))
    if meta.date:
        return int(meta.date[:4])
    return None
