"""The red head (版头): the issuing bodies printed above the doc number, as written.

A single issuer prints ``X文件``; a joint notice prints its bodies one or two a line, as
paragraphs or as the cells of a borderless head table, beside one large 文件. PDFs often set
the names letter-spaced (distributed alignment: 湖 北 省 总 工 会), so single-character runs
are joined back, and two names that came out as one run are cut where the first name's
region prefix starts again (湖北省总工会湖北省交通运输厅). The names are used when the
notice is unsigned (stamps only) or its signature names only some of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.structure.blocks import Block, BlockItem
from extractors.structure.segments import squash

MASTHEAD_WORD = "文件"
_MAX_ITEMS = 12  # the red head sits at the very top of the first page
_LEAD_SKIP = 3  # 特急 / 签发人 / copy numbers may stand above it
_PREFIX = re.compile(r"^[\u4e00-\u9fa5]{1,8}?(?:自治区|自治州|地区|省|市|州|盟|县|区|旗)")
_NATIONAL = ("国家", "中国", "中华全国", "全国")


def red_head(items: Sequence[BlockItem], is_name: re.Pattern[str]) -> list[str]:
    """Body names of the red head (``is_name`` is the body-name pattern of the signature)."""
    names: list[str] = []
    started = False
    for k, item in enumerate(items[:_MAX_ITEMS]):
        found = [head_line_names(t, is_name) for t in unwrap(_texts(item), is_name)]
        if found and all(f is not None for f in found):
            names += [n for f in found for n in (f or [])]
            started = started or bool(names)
            continue
        if started or k >= _LEAD_SKIP:
            break
    return list(dict.fromkeys(names))


def _texts(item: BlockItem) -> list[str]:
    if isinstance(item, Block):
        return [ln.text for ln in item.lines] or [item.text]
    return [line for cell in item.cells for line in cell.text.split("\n")]


def unwrap(texts: list[str], is_name: re.Pattern[str]) -> list[str]:
    """Lines with a name wrapped inside its cell (…社会保障 / 局) joined back."""
    out: list[str] = []
    for t in (x for x in texts if squash(x)):
        if out and head_line_names(out[-1], is_name) is None \
                and head_line_names(out[-1] + t, is_name) is not None:
            out[-1] += t
        else:
            out.append(t)
    return out


def head_line_names(text: str, is_name: re.Pattern[str]) -> list[str] | None:
    """Names on one red-head line; [] for the masthead word alone; None: not a red-head line."""
    tokens = join_spaced(text.split())
    if tokens and tokens[-1].endswith(MASTHEAD_WORD):
        tokens[-1] = tokens[-1][: -len(MASTHEAD_WORD)]
    tokens = [t for t in tokens if t]
    if not tokens:
        return [] if squash(text) == MASTHEAD_WORD else None
    out: list[str] = []
    for tok in tokens:
        parts = split_run(tok, is_name)
        if parts is None:
            return None
        out += parts
    return out


def join_spaced(tokens: list[str]) -> list[str]:
    """Letter-spaced runs (single characters between spaces) joined into one token."""
    out: list[str] = []
    run = ""
    for tok in tokens:
        if len(tok) == 1:
            run += tok
            continue
        if run:
            out.append(run)
            run = ""
        out.append(tok)
    if run:
        out.append(run)
    return out


def split_run(token: str, is_name: re.Pattern[str]) -> list[str] | None:
    """One run of text as body names: cut before each repeat of the first name's region
    prefix where the text so far is a whole name; None when a piece is not a name."""
    prefix = _region_prefix(token)
    cuts = [0]
    if prefix:
        for m in re.finditer(re.escape(prefix), token):
            if m.start() > cuts[-1] and is_name.match(token[cuts[-1]:m.start()]):
                cuts.append(m.start())
    pieces = [token[a:b] for a, b in zip(cuts, [*cuts[1:], len(token)], strict=True)]
    return pieces if all(is_name.match(p) for p in pieces) else None


def _region_prefix(token: str) -> str | None:
    for word in _NATIONAL:
        if token.startswith(word):
            return word
    m = _PREFIX.match(token)
    return m.group(0) if m else None
