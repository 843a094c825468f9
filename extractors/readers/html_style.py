"""The little CSS the HTML reader needs: font size, weight and alignment of a block.

Only simple rules are read (``.class {…}``, ``tag {…}``, ``tag.class {…}``) plus inline
``style=""`` and the legacy ``align=""`` attribute; that covers pages exported by Word,
WPS and LibreOffice, which put the title's larger font in a class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, cast

Align = Literal["left", "center", "right", "justify"]
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_DECL = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
_SIMPLE_SELECTOR = re.compile(r"^([a-z0-9]*)(?:\.([\w-]+))?$", re.I)
_SIZE = re.compile(r"([\d.]+)\s*(pt|px|em|rem)?")
_NAMED_SIZES = {"xx-large": 24.0, "x-large": 18.0, "large": 13.5, "medium": 12.0, "small": 10.0}
_ALIGNS: dict[str, Align] = {"left": "left", "center": "center", "right": "right", "justify": "justify",
                             "start": "left", "end": "right"}


@dataclass(frozen=True)
class TextStyle:
    font_size: float | None = None
    bold: bool = False
    align: Align | None = None

    def over(self, base: TextStyle) -> TextStyle:
        return TextStyle(font_size=self.font_size or base.font_size, bold=self.bold or base.bold,
                         align=self.align or base.align)


class StyleSheet:
    def __init__(self, rules: dict[str, dict[str, str]]) -> None:
        self.rules = rules

    @classmethod
    def from_root(cls, root: Any) -> StyleSheet:
        css = "\n".join(el.text or "" for el in root.iter("style"))
        return cls(parse_rules(re.sub(r"/\*.*?\*/", "", css, flags=re.S)))

    def style_of(self, el: Any) -> TextStyle:
        """The block's own style, overlaid by the style of its first inline child (Word puts
        the font size on a span)."""
        own = self._element_style(el)
        child = next((c for c in el if isinstance(c.tag, str) and c.tag in ("span", "font", "b", "strong")), None)
        return self._element_style(child).over(own) if child is not None else own

    def _element_style(self, el: Any) -> TextStyle:
        decls: dict[str, str] = {}
        decls.update(self.rules.get(el.tag, {}))
        for cls_name in (el.get("class") or "").split():
            decls.update(self.rules.get(f".{cls_name}", {}))
            decls.update(self.rules.get(f"{el.tag}.{cls_name}", {}))
        decls.update(dict(_DECL.findall((el.get("style") or "").lower())))
        if el.get("align"):
            decls.setdefault("text-align", el.get("align").lower())
        bold = el.tag in ("b", "strong") or decls.get("font-weight", "").strip() in ("bold", "bolder", "700", "800", "900")
        return TextStyle(font_size=font_size(decls.get("font-size", "")), bold=bold,
                         align=_ALIGNS.get(decls.get("text-align", "").replace("!important", "").strip()))


def parse_rules(css: str) -> dict[str, dict[str, str]]:
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in _RULE.findall(css):
        decls = {k: v.strip() for k, v in _DECL.findall(body.lower())}
        for sel in selectors.split(","):
            sel = sel.strip()
            m = _SIMPLE_SELECTOR.match(sel)
            if m:
                key = f"{m.group(1).lower()}.{m.group(2)}" if m.group(1) and m.group(2) else (
                    f".{m.group(2)}" if m.group(2) else m.group(1).lower())
                rules.setdefault(key, {}).update(decls)
    return rules


def font_size(value: str) -> float | None:
    """CSS font-size in points (px × 0.75, em/rem × 12); None when absent or relative."""
    value = value.replace("!important", "").strip()
    if value in _NAMED_SIZES:
        return _NAMED_SIZES[value]
    m = _SIZE.match(value)
    if not m:
        return None
    n = float(m.group(1))
    unit = cast(str, m.group(2) or "px")
    return round(n * {"pt": 1.0, "px": 0.75, "em": 12.0, "rem": 12.0}[unit], 2)
