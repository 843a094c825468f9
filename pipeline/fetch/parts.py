"""Which files of a folder are attachments (附件) of which notice, from their names.

Sites name an attachment ``附件1 …``, ``附件1：…``, ``<notice>_附件1…`` or (as ``qmetl fetch`` saves
them) ``<notice id>_<the site's name>``. In one folder, an attachment belongs to the notice whose
file stem opens its name; else to the only non-attachment notice in the folder. Nothing is linked
when the choice is ambiguous.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from rules.numerals import CN_TENS

ATTACHMENT = re.compile(rf"(?:^|[_\-\s])(附\s*件\s*([0-9{CN_TENS}]*))")
_CJK = re.compile(r"[\u4e00-\u9fff]")
NOTICE_SUFFIXES = {".html", ".htm", ".docx", ".doc", ".wps", ".pdf", ".ofd", ".txt"}


def find_parts(paths: list[Path]) -> dict[Path, tuple[Path, int, str | None]]:
    """{attachment: (notice file, position, label)} for the files given (grouped by folder)."""
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for p in paths:
        by_folder[p.parent].append(p)
    out: dict[Path, tuple[Path, int, str | None]] = {}
    for files in by_folder.values():
        out.update(_folder_parts(sorted(files)))
    return out


def _folder_parts(files: list[Path]) -> dict[Path, tuple[Path, int, str | None]]:
    notices = [f for f in files if not _label(f, files) and f.suffix.lower() in NOTICE_SUFFIXES]
    out: dict[Path, tuple[Path, int, str | None]] = {}
    counts: dict[Path, int] = defaultdict(int)
    for f in files:
        if f in notices:
            continue
        owner = _owner(f, notices)
        if owner is None:
            continue
        counts[owner] += 1
        out[f] = (owner, counts[owner], _label(f, files))
    return out


def _label(f: Path, files: list[Path]) -> str | None:
    m = ATTACHMENT.search(f.stem)
    if m:
        return re.sub(r"\s+", "", m.group(1))
    stems = [g.stem for g in files if g != f and len(g.stem) < len(f.stem)]
    rest = [f.stem[len(s) + 1:] for s in stems if f.stem.startswith(s + "_")]
    return "附件" if any(_CJK.search(r) for r in rest) else None  # t2020_001_活动安排表, not X_fragments


def _owner(f: Path, notices: list[Path]) -> Path | None:
    prefixed = [n for n in notices if f.stem.startswith(n.stem)]
    if prefixed:
        longest = max(len(n.stem) for n in prefixed)
        best = [n for n in prefixed if len(n.stem) == longest]
        return best[0] if len({n.stem for n in best}) == 1 else None
    stems = {n.stem for n in notices}
    return notices[0] if len(stems) == 1 else None
