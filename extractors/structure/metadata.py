"""Document metadata from the paragraph stream: doc number, title, date, issuers, references."""

from __future__ import annotations

import re

from extractors.structure.blocks import Block
from schemas import DocumentMeta

_OPEN = re.escape("〔[［(（【")
_CLOSE = re.escape("〕]］)）】")
DOC_NUMBER = re.compile(
    rf"([\u4e00-\u9fa5]{{1,12}})\s*[{_OPEN}]\s*((?:19|20)\d{{2}})\s*[{_CLOSE}]\s*(\d{{1,4}})\s*号"
)
_CN_DATE_DIGIT = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                  "六": 6, "七": 7, "八": 8, "九": 9}
DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(r"([〇○零Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日")
TITLE_END = re.compile(r"(通知|方案|计划|安排|意见|通报|决定|办法|要点|活动|函)$")
ISSUE_LINE = re.compile(r"印\s*发$|抄\s*送|^联系人|^（此件")


def normalize_doc_number(match: re.Match[str]) -> str:
    prefix, year, num = match.group(1), match.group(2), match.group(3)
    prefix = re.sub(r"^.*(?:根据|按照|依据|参照|详见|印发|转发)", "", prefix)
    prefix = prefix.lstrip("和及与并的按据照见依即")
    return f"{prefix}〔{year}〕{int(num)}号"


def find_doc_numbers(text: str) -> list[str]:
    out: list[str] = []
    for m in DOC_NUMBER.finditer(text):
        n = normalize_doc_number(m)
        if n not in out:
            out.append(n)
    return out


def parse_date(text: str) -> str | None:
    m = DATE.search(text)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = CN_DATE.search(text)
    if m:
        year = "".join(str(_CN_DATE_DIGIT[c]) for c in m.group(1))
        return f"{year}-{_small_cn(m.group(2)):02d}-{_small_cn(m.group(3)):02d}"
    return None


def _small_cn(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DATE_DIGIT[s[1]]
    if "十" in s:
        tens, _, ones = s.partition("十")
        return _CN_DATE_DIGIT[tens] * 10 + (_CN_DATE_DIGIT[ones] if ones else 0)
    return _CN_DATE_DIGIT[s]


def _is_date_line(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return bool(re.fullmatch(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日", t)) or bool(
        re.fullmatch(r"[〇○零Ｏ一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日", t)
    )


def extract_meta(blocks: list[Block]) -> DocumentMeta:
    meta = DocumentMeta()
    head = blocks[:8]
    for b in head:
        nums = find_doc_numbers(b.text)
        if nums and b.text.strip().startswith(nums[0][:2]):
            meta.doc_number = nums[0]
            break
    meta.title = _title(head)
    date_idx = next((i for i, b in enumerate(blocks) if _is_date_line(b.text)), None)
    if date_idx is not None:
        meta.date = parse_date(blocks[date_idx].text)
        meta.issuers_raw = _signature(blocks, date_idx)
    all_text = "\n".join(b.text for b in blocks)
    meta.references = [n for n in find_doc_numbers(all_text) if n != meta.doc_number]
    meta.year = _year(meta)
    return meta


def _title(head: list[Block]) -> str | None:
    sized = [b for b in head if b.font_size]
    if sized:
        biggest = max(b.font_size or 0 for b in sized)
        body = sorted(b.font_size or 0 for b in sized)[len(sized) // 2]
        if biggest > body + 1:
            cands = [b for b in sized if b.font_size == biggest and not b.text.endswith("文件")]
            cands = [b for b in cands if not re.search(r"文\s*件$", b.text)]
            if cands:
                return cands[0].text.strip()
    for b in head:
        t = b.text.strip()
        if t.startswith("关于") and TITLE_END.search(t):
            return t
    return None


def _signature(blocks: list[Block], date_idx: int) -> list[str]:
    out: list[str] = []
    for b in reversed(blocks[max(0, date_idx - 4):date_idx]):
        t = b.text.strip()
        if len(t) > 60 or t.endswith(("。", "：", ":")) or ISSUE_LINE.search(t):
            break
        out.insert(0, t)
    return out


def _year(meta: DocumentMeta) -> int | None:
    for text in (meta.title or "",):
        m = re.search(r"((?:19|20)\d{2})\s*年", text)
        if m:
            return int(m.group(1))
    if meta.date:
        return int(meta.date[:4])
    return None
