"""The sample notices in ``data/raw`` (README's first command), generated here, never copied from a corpus.

Four generated notices from all over China, in five formats: two with an activity table
(:mod:`tests.gen.tables_spec`) as DOCX (python-docx) and PDF (reportlab), two with a numbered
outline (:mod:`tests.gen.lists`) as GB18030 text, a web page and a DOCX with automatic numbering.
Their truth, by construction, goes to ``data/truth`` in the corpus truth shape (one file per notice,
shared by its formats), so the sample is scored like the corpus:

    python -m tests.gen.sample                       # rewrite data/raw and data/truth
    python -m tests.gen.sample --check               # exit 1 when the committed files differ
    qmetl run && qmetl export --out /tmp/ex && python3 score.py /tmp/ex data/truth --raw data/raw

The files are committed: a fresh clone runs ``qmetl run`` on them without generating anything.
Only development seeds are used (never a held-out one). The files are written reproducibly
(reportlab's invariant mode, fixed zip member times), so the check compares bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.gen import lists, lists_docx, lists_render, tables_spec
from tests.gen.tables_docx import render_docx
from tests.gen.tables_pdf import render_pdf

ROOT = Path(__file__).resolve().parents[2]
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Entry:
    family: str  # "tables" (tables_spec) or "lists" (lists)
    seed: int  # a development seed of that family
    name: str  # file name of the notice in data/raw (its formats share it) and of its truth
    formats: tuple[str, ...]


SAMPLE = (
    Entry("tables", 9, "jiuyuan_2017_district", ("docx", "pdf")),   # 内蒙古自治区包头市九原区, full grid
    Entry("tables", 19, "chengdu_2020_municipal", ("pdf",)),        # 四川省成都市
    Entry("lists", 1, "gansu_2013_provincial", ("txt",)),           # 甘肃省, hard-wrapped GB18030 text
    Entry("lists", 3, "baoji_2020_municipal", ("html", "docx")),    # 陕西省宝鸡市, web page and numbered DOCX
)

_TABLES: dict[str, Callable[[Any, Path], Path]] = {"docx": render_docx, "pdf": render_pdf}
_LISTS: dict[str, Callable[[Any, Path, random.Random], Path]] = {
    "txt": lists_render.render_text,
    "html": lists_render.render_html_utf8,
    "docx": lambda n, p, r: lists_docx.render_docx(n, p, r, auto=True),
}


@contextmanager
def _invariant_pdf() -> Iterator[None]:
    """reportlab without creation dates or random document ids: the same notice, the same bytes."""
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    try:
        yield
    finally:
        rl_config.invariant = before


def _fixed_zip_times(path: Path) -> None:
    """Rewrite a DOCX with every member dated ZIP_TIME (python-docx stamps the current time)."""
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.external_attr = info.external_attr
            z.writestr(fixed, data, zipfile.ZIP_DEFLATED)


def _render(entry: Entry, raw: Path) -> tuple[list[Path], dict[str, Any]]:
    made = []
    if entry.family == "tables":
        assert entry.seed in tables_spec.DEV_SEEDS, f"tables seed {entry.seed}: expected a development seed"
        table_notice = tables_spec.make_notice(entry.seed)
        made = [_TABLES[ext](table_notice, raw / f"{entry.name}.{ext}") for ext in entry.formats]
        return made, tables_spec.truth(table_notice)
    assert entry.seed in lists.DEV_SEEDS, f"lists seed {entry.seed}: expected a development seed"
    list_notice = lists.build(entry.seed)
    for ext in entry.formats:
        made.append(_LISTS[ext](list_notice, raw / f"{entry.name}.{ext}", random.Random(f"sample-{entry.seed}-{ext}")))
    return made, lists.truth(list_notice)


def write(data: Path) -> list[Path]:
    """Render the sample into ``data/raw`` and its truth into ``data/truth``; returns every file written."""
    raw, truth = data / "raw", data / "truth"
    raw.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with _invariant_pdf():
        for entry in SAMPLE:
            files, gold = _render(entry, raw)
            for f in files:
                if f.suffix == ".docx":
                    _fixed_zip_times(f)
            body = json.dumps(gold, ensure_ascii=False, indent=1) + "\n"
            (truth / f"{entry.name}.json").write_text(body, "utf-8")
            written += [*files, truth / f"{entry.name}.json"]
    return written


def differences(committed: Path, fresh: Path) -> list[str]:
    """Files of ``raw/`` and ``truth/`` that differ between two sample folders, or exist in one only."""
    out = []
    for sub in ("raw", "truth"):
        a = {p.name: p for p in (committed / sub).iterdir()} if (committed / sub).is_dir() else {}
        b = {p.name: p for p in (fresh / sub).iterdir()}
        out += [f"{sub}/{name}: only in {committed}" for name in sorted(set(a) - set(b))]
        out += [f"{sub}/{name}: not committed" for name in sorted(set(b) - set(a))]
        out += [f"{sub}/{name}: differs from what the generator writes"
                for name in sorted(set(a) & set(b)) if a[name].read_bytes() != b[name].read_bytes()]
    return out


def main() -> None:
    import sys
    import tempfile

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data", help="folder holding raw/ and truth/")
    ap.add_argument("--check", action="store_true", help="compare with --data instead of writing it")
    args = ap.parse_args()
    if not args.check:
        for path in write(args.data):
            print(path)
        return
    with tempfile.TemporaryDirectory() as tmp:
        write(Path(tmp))
        problems = differences(args.data, Path(tmp))
    print("\n".join(problems) or f"{args.data}: the committed sample is what the generator writes")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
