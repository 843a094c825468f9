"""Line shapes every reader and the block builder share: page numbers (— 3 —, 第3页 共8页,
3/8) and label lines that name a list item's bodies (牵头单位：…, data/clauses.toml)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

PAGE_NUMBER = re.compile(
    r"^\s*(?:[—–\-－─_~·.]+\s*\d{1,4}\s*[—–\-－─_~·.]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|-?\s*\d{1,3}\s*-?)\s*$"
)


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text)) and len(text.strip()) <= 16


@lru_cache(maxsize=1)
def _label_line() -> re.Pattern[str]:
    data = tomllib.loads(resources.files("extractors").joinpath("data/clauses.toml").read_text("utf-8"))
    return re.compile(data["labels"]["line"])


def is_label_line(text: str) -> bool:
    """牵头单位：X；配合单位：Y / 责任单位：X — a line of its own after a list item."""
    return bool(_label_line().match(text))
