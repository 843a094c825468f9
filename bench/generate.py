"""A generated corpus for scaling runs: the real notices, varied so nothing is cached by content.

Every generated notice starts from one DOCX of the corpus and changes what differs between
real notices of other places and years: the campaign year, the city and district names, the
order of the table rows, and the spelling of organizer names (市场监管局 ↔ 市场监督管理局 …).
One in ``pdf_every`` documents is also rendered as a text PDF (reportlab, CID font, the table
with a repeated header row breaking across pages), so the PDF path is exercised too.

    python bench/generate.py OUT_DIR --count 1000 [--seed 7] [--pdf-every 4]
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

YEARS = list(range(2010, 2021))
PLACES = [("苏州", "相城"), ("南京", "鼓楼"), ("无锡", "梁溪"), ("杭州", "西湖"), ("宁波", "鄞州"),
          ("合肥", "蜀山"), ("济南", "历下"), ("青岛", "黄岛"), ("武汉", "江汉"), ("成都", "武侯"),
          ("广州", "天河"), ("深圳", "南山"), ("福州", "鼓楼"), ("郑州", "金水"), ("长沙", "岳麓")]
SPELLINGS = [("市场监督管理局", "市场监管局"), ("住房和城乡建设局", "住建局"), ("发展和改革委员会", "发改委"),
             ("质量技术监督局", "质监局"), ("经济和信息化委员会", "经信委")]


@dataclass(frozen=True)
class Variant:
    year: int
    city: str
    district: str
    spell_short: bool
    shuffle_seed: int


def sources(corpus_raw: Path) -> list[Path]:
    """The DOCX notices that generated documents start from (variants of one notice once)."""
    return sorted(p for p in corpus_raw.glob("*.docx") if "_fragments" not in p.stem)


def pick_variant(rng: random.Random) -> Variant:
    city, district = rng.choice(PLACES)
    return Variant(rng.choice(YEARS), city, district, rng.random() < 0.5, rng.randrange(1 << 30))


def rewrite(text: str, v: Variant) -> str:
    text = re.sub(r"20[12]\d(?=\s*年|〕|\])", str(v.year), text)
    text = text.replace("苏州", v.city).replace("相城", v.district)
    text = text.replace("相政办", v.district[0] + "政办")  # the district's 发文机关代字 follows its name
    for full, short in SPELLINGS:
        text = text.replace(full, short) if v.spell_short else text.replace(short, full)
    return text


def _rewrite_runs(paragraphs: list, v: Variant) -> None:
    for para in paragraphs:
        for run in para.runs:
            if run.text:
                run.text = rewrite(run.text, v)


def _continues_merge(tr: object) -> bool:
    """True when a row continues a vertical merge begun above it (w:vMerge without val=restart)."""
    merges = tr.findall(".//" + qn("w:vMerge"))  # type: ignore[attr-defined]
    return any(m.get(qn("w:val")) in (None, "continue") for m in merges)


def _shuffle_rows(doc: DocumentObject, v: Variant) -> None:
    """Reorder the data rows of every table as another notice would, moving whole merge groups.

    A group is a row that continues no vertical merge plus the rows that continue its merges,
    so every vMerge chain still starts in the group that holds it.
    """
    rng = random.Random(v.shuffle_seed)
    for table in doc.tables:
        rows = [r._tr for r in table.rows[1:]]
        groups: list[list[object]] = []
        for tr in rows:
            if groups and _continues_merge(tr):
                groups[-1].append(tr)
            else:
                groups.append([tr])
        if len(groups) < 3 or _continues_merge(rows[0]):
            continue
        parent = rows[0].getparent()
        for tr in rows:
            parent.remove(tr)
        rng.shuffle(groups)
        for group in groups:
            for moved in group:
                parent.append(moved)


def mutate(src: Path, dest: Path, v: Variant) -> None:
    doc = Document(str(src))
    _rewrite_runs(doc.paragraphs, v)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                _rewrite_runs(cell.paragraphs, v)
    if v.shuffle_seed % 2:
        _shuffle_rows(doc, v)
    doc.save(str(dest))


def render_pdf(docx_path: Path, dest: Path) -> None:
    """A text PDF of a DOCX: paragraphs, then its tables with a header row repeated on every page."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("cell", parent=style, fontSize=7, leading=9)
    doc = Document(str(docx_path))
    size = landscape(A4) if any(len(t.columns) > 4 for t in doc.tables) else A4
    story: list = [Paragraph(p.text, style) for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        data = [[Paragraph(_cell_markup(c.text), cell) for c in row.cells] for row in table.rows]
        width = (size[0] - 80) / max(len(data[0]), 1)
        t = Table(data, colWidths=[width] * len(data[0]), repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        story.append(t)
    SimpleDocTemplate(str(dest), pagesize=size, leftMargin=40, rightMargin=40).build(story)


def _cell_markup(text: str) -> str:
    return "<br/>".join(line for line in text.strip().splitlines() if line.strip())


def generate(corpus_raw: Path, out: Path, count: int, seed: int = 7, pdf_every: int = 4) -> list[Path]:
    """Write ``count`` notices into ``out`` (reusing those already there) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    srcs = sources(corpus_raw)
    made: list[Path] = []
    for i in range(count):
        src, v = srcs[i % len(srcs)], pick_variant(rng)
        docx_path = out / f"gen{i:05d}_{src.stem}_{v.year}.docx"
        as_pdf = bool(pdf_every) and i % pdf_every == pdf_every - 1
        path = docx_path.with_suffix(".pdf") if as_pdf else docx_path
        if not path.exists():
            mutate(src, docx_path, v)
            if as_pdf:
                render_pdf(docx_path, path)
                docx_path.unlink()
        made.append(path)
    return made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pdf-every", type=int, default=4)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus" / "raw")
    args = ap.parse_args()
    paths = generate(args.corpus, args.out, args.count, args.seed, args.pdf_every)
    print(f"{len(paths)} notices in {args.out}")


if __name__ == "__main__":
    main()
