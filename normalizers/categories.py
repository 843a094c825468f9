"""Activity categories: the SPEC §2.5 taxonomy, chosen from the source label or the text."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "publicity": "宣传教育",
    "improvement": "质量提升",
    "supervision": "监管执法",
    "consumer": "惠民维权",
    "assistance": "帮扶服务",
    "mass_activity": "群众性质量活动",
    "recognition": "评价表彰",
}

_LABELS = {"宣传": "publicity", "提升": "improvement", "监管": "supervision", "惠民": "consumer",
           "帮扶": "assistance", "群众": "mass_activity", "表彰": "recognition"}


def categorize(label: str | None, content: str) -> tuple[str | None, str | None]:
    for word, code in _LABELS.items():
        if label and word in label:
            return code, "label_map"
    return None, None


def category_table() -> dict[str, tuple[str, str]]:
    """code → (中文 name, description) for the store's categories table."""
    return {code: (zh, "") for code, zh in CATEGORIES.items()}
