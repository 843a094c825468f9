"""Chinese numerals: the one digit table, and numbers both ways through cn2an."""

from __future__ import annotations

import re

import cn2an

ZEROS = "〇○零Ｏ"  # the zeros of years written digit by digit: 二〇二〇, 二○二○, 二Ｏ二Ｏ
CN_DIGITS = "一二三四五六七八九"
CN_TENS = CN_DIGITS + "十"  # numeral characters of ordinals up to 十 (tens)
CN_ORDINAL = CN_TENS + "百"  # … and with 百 (hundreds)
# digit characters → value (两 as in 两项; a Latin O typed for 〇)
DIGITS: dict[str, int] = {
    **dict.fromkeys(ZEROS + "O", 0),
    **{ch: i + 1 for i, ch in enumerate(CN_DIGITS)},
    "两": 2,
}
# the well-formed readings up to 九百九十九 that cn2an reads as place values (一百零五,
# 六十六, 十三); anything else (一二、 as a marker, a bare 百) is summed as read below
_WELL_FORMED = re.compile(rf"[{CN_DIGITS}]|[{CN_DIGITS}]?十[{CN_DIGITS}]?"
                          rf"|[{CN_DIGITS}]百(?:零[{CN_DIGITS}]|[{CN_DIGITS}]十[{CN_DIGITS}]?)?")


def cn_to_int(s: str) -> int:
    """Chinese numerals up to 九百九十九: 十三 → 13, 六十六 → 66, 一百零五 → 105."""
    if _WELL_FORMED.fullmatch(s):
        return int(cn2an.cn2an(s, "normal"))
    total, current = 0, 0  # place values summed as read: 百 → 100, 一二 → 2
    for ch in s:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in DIGITS:
            current = DIGITS[ch]
        else:
            raise ValueError(f"not a Chinese numeral: {s!r} (expected characters of {CN_ORDINAL}〇零两)")
    return total + current


def digits_to_int(s: str) -> int:
    """A number spelled digit by digit: 二〇二〇 → 2020."""
    return int("".join(str(DIGITS[c]) for c in s))


def int_to_cn(n: int) -> str:
    """Word's chineseCounting: 1 → 一, 10 → 十, 12 → 十二, 105 → 一百零五; n ≤ 0 as digits."""
    if n <= 0:
        return str(n)
    return str(cn2an.an2cn(n))
