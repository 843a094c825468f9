"""rules/: numerals on cn2an, markers, dates and document numbers, each written once."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from normalizers.orgs.bodytypes import body_type, tail_of
from rules.bodies import body_types, endings
from rules.dates import DATE_LINE, parse_date
from rules.docnumbers import DOC_NUMBER_LINE, find_doc_numbers
from rules.markers import LABEL_NUMBERING, MARKER_START, SECTION_ORDINAL, TEXT_MARKER, parse_marker
from rules.numerals import CN_ORDINAL, cn_to_int, digits_to_int, int_to_cn

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("schemas", "rules", "extractors", "normalizers", "loaders", "pipeline")


def _place_values(s: str) -> int:
    """The reading of an ordinal as written: each 十/百 multiplies the digit before it."""
    total, current = 0, 0
    for ch in s:
        if ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            current = CN_ORDINAL.index(ch) + 1
    return total + current


def test_cn_to_int_reads_every_ordinal_up_to_four_characters_as_written() -> None:
    # cn2an reads the well-formed ones; a malformed marker (一二、) keeps its place-value reading
    for n in range(1, 5):
        for chars in itertools.product(CN_ORDINAL, repeat=n):
            s = "".join(chars)
            assert cn_to_int(s) == _place_values(s), s


def test_numbers_both_ways() -> None:
    assert [cn_to_int(s) for s in ("十三", "六十六", "一百零五", "九百九十九")] == [13, 66, 105, 999]
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 1000))
    assert digits_to_int("二〇二〇") == digits_to_int("二○二Ｏ") == 2020
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        cn_to_int("十x")


@pytest.mark.parametrize(("text", "kind", "label", "number"), [
    ("一、总体要求", "cn_dun", "一", 1), ("(十二)宣传活动", "cn_paren", "（十二）", 12),
    ("3．质量讲堂", "arabic_dot", "3", 3), ("⑵开展检查", "paren_digit", "（2）", 2),
    ("第三条 组织", "article", "第三条", 3), ("1.2020年9月开展", "arabic_dot", "1", 1),
])
def test_parse_marker(text: str, kind: str, label: str, number: int) -> None:
    m = parse_marker(text)
    assert m is not None and (m.kind, m.label, m.number) == (kind, label, number)


def test_marker_readings_agree_on_what_opens_a_line() -> None:
    assert parse_marker("1.5倍") is None and not MARKER_START.match("1.5倍") and not TEXT_MARKER.match("1.5倍")
    for line in ("一、总体要求", "（二）活动安排", "3、质量讲堂"):
        assert parse_marker(line) and MARKER_START.match(line) and TEXT_MARKER.match(line)
        assert SECTION_ORDINAL.match(line) and LABEL_NUMBERING.match(line)
    assert TEXT_MARKER.match("附件：活动安排表") and not MARKER_START.match("附件：活动安排表")
    assert LABEL_NUMBERING.sub("", "第二部分质量宣传") == "质量宣传"


def test_dates_and_document_numbers() -> None:
    assert parse_date("二〇二〇年八月十四日") == "2020-08-14"
    assert parse_date("（2019年9月3日印发）") == "2019-09-03"
    assert DATE_LINE.match("2017年7月3日（此件公开发布）") and not DATE_LINE.match("2017年7月3日起施行")
    assert find_doc_numbers("根据晋市监质〔2019〕 88号和晋市监质[2019]88号") == ["晋市监质〔2019〕88号"]
    assert DOC_NUMBER_LINE.match("黔质发（2018）12号") and not DOC_NUMBER_LINE.match("见黔质发（2018）12号文")


def _runtime_sources() -> list[Path]:
    return [p for pkg in RUNTIME for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_the_numeral_table_and_the_marker_grammar_exist_once() -> None:
    # a run of numeral characters, or a bracketed ordinal class, written outside rules/ is a copy
    copies = re.compile(r"一二三四五六七八九|零〇一二|\[（\(\]\s*\\s\*\s*\[一")
    found = [f"{p.relative_to(ROOT)}:{i}" for p in _runtime_sources() if p.parent.name != "rules"
             for i, line in enumerate(p.read_text("utf-8").splitlines(), 1) if copies.search(line)]
    assert not found, f"numerals or markers written outside rules/: {found}"
    in_rules = [p.name for p in (ROOT / "rules").glob("*.py") if "一二三四五六七八九" in p.read_text("utf-8")]
    assert in_rules == ["numerals.py"]


def test_body_types_come_from_the_one_list_of_endings() -> None:
    # every ending that tells a type is one of the body-name endings, and the longest one wins
    assert {t.ending for t in body_types()} <= {
        e for r in ("signature", "clause", "cell", "label") for e in endings(r)}
    assert body_type("建筑业协会") == "association" and body_type("质量技术监督局") == "government"
    found = tail_of("产品质量监督检验所")
    assert found is not None and found.type == "institution" and found.as_written
    assert tail_of("总工会") is None, "a name that is only its ending tells nothing"
    union = tail_of("市总工会")
    assert union is not None and union.ending == "总工会" and not union.as_written
