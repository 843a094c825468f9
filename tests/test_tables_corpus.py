"""The Suzhou 2020 attachment in its four shapes (one table over six pages, one table per
page; PDF and DOCX) gives the 104 activities of the truth file, every table field equal."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from extractors import parse_notice, read_layout

FIELDS = ("seq", "category_raw", "project", "content", "organizers_raw", "time", "place")


def _n(value: object) -> str:
    return "" if value is None else re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["suzhou_2020_municipal.pdf", "suzhou_2020_municipal.docx",
                                  "suzhou_2020_municipal_fragments.pdf", "suzhou_2020_municipal_fragments.docx"])
def test_suzhou_variants_are_exact_on_every_field(raw_dir: Path, truth_dir: Path, name: str) -> None:
    gold = json.loads((truth_dir / "suzhou_2020_municipal.json").read_text("utf-8"))["activities"]
    layout = read_layout(raw_dir / name)
    assert layout.value is not None
    parsed = parse_notice(layout.value)
    assert parsed.value is not None
    acts = parsed.value.activities
    assert len(acts) == len(gold) == 104
    for got, want in zip(acts, gold, strict=True):
        for f in FIELDS:
            assert _n(getattr(got, f)) == _n(want.get(f)), f"{name} activity {want['seq']}: {f}"
        assert got.span.pages, f"{name} activity {want['seq']}: no provenance"
        if name.endswith(".pdf"):
            assert got.span.bbox is not None, f"{name} activity {want['seq']}: no bbox"
