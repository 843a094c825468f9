"""Dates as written in notices: 2017年7月3日 and 二〇二〇年八月十四日 → ISO."""

from __future__ import annotations

import re

from rules.numerals import CN_DIGITS, CN_TENS, ZEROS, cn_to_int, digits_to_int

YEAR = r"(?:19|20)\d{2}"  # a campaign-era year
_CN_YEAR = f"[{ZEROS}{CN_DIGITS}]"
_CN_MD = f"[{CN_TENS}]"
_ARABIC = rf"{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日"
_CHINESE = rf"{_CN_YEAR}{{4}}\s*年\s*{_CN_MD}{{1,3}}\s*月\s*{_CN_MD}{{1,3}}\s*日"

DATE = re.compile(rf"({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")
CN_DATE = re.compile(rf"({_CN_YEAR}{{4}})\s*年\s*({_CN_MD}{{1,3}})\s*月\s*({_CN_MD}{{1,3}})\s*日")
# a line that is only a date (the 成文日期 under a signature), maybe with a bracketed note
DATE_LINE = re.compile(rf"^\s*(?:{_ARABIC}|{_CHINESE})\s*(?:[（(][^）)]*[）)]\s*)?$")
YEAR_OF = re.compile(rf"({YEAR})\s*年")  # 2020年


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD, or None."""
    m = DATE.search(text)
    if m:
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = CN_DATE.search(text)
    if m:
        return f"{digits_to_int(m.group(1)):04d}-{cn_to_int(m.group(2)):02d}-{cn_to_int(m.group(3)):02d}"
    return None
