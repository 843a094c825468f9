"""Document numbers (发文字号): 国市监质〔2020〕133号, with any of the brackets people type."""

from __future__ import annotations

import re

from rules.dates import YEAR

_OPEN = re.escape("〔[［(（【")
_CLOSE = re.escape("〕]］)）】")
DOC_NUMBER = re.compile(rf"([\u4e00-\u9fa5]{{1,12}})\s*[{_OPEN}]\s*({YEAR})\s*[{_CLOSE}]\s*(\d{{1,4}})\s*号")
# a line that is only a document number (under the red head)
DOC_NUMBER_LINE = re.compile(rf"^\s*[\u4e00-\u9fa5]{{1,12}}\s*[{_OPEN}]\s*{YEAR}\s*[{_CLOSE}]\s*\d{{1,4}}\s*号\s*$")
ISSUER_ABBREV = re.compile(r"^([\u4e00-\u9fa5]{2,8})〔")  # the issuer abbreviation of a normalized number


def normalize_doc_number(match: re.Match[str]) -> str:
    """One DOC_NUMBER match as 前缀〔年〕号 (the words of the sentence before it dropped)."""
    prefix, year, num = match.group(1), match.group(2), match.group(3)
    prefix = re.sub(r"^.*(?:根据|按照|依据|参照|详见|印发|转发)", "", prefix)
    prefix = prefix.lstrip("和及与并的按据照见依即")
    return f"{prefix}〔{year}〕{int(num)}号"


def find_doc_numbers(text: str) -> list[str]:
    """Every document number in ``text``, normalized, first occurrence order."""
    out: list[str] = []
    for m in DOC_NUMBER.finditer(text):
        n = normalize_doc_number(m)
        if n not in out:
            out.append(n)
    return out
