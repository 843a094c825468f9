"""Generated notices whose activity table is an attachment: DOCX body + spreadsheet, and the same
table inside a DOCX, for the spreadsheet and WPS readers (issue 26).

One ``NoticeSpec`` per seed (dev seeds 0-11, held-out 1000-1005; the split never changes) is
rendered into: ``docx/<stem>.docx`` (body and table in one DOCX: the reference), and a folder
``parts/<stem>/`` holding the notice body ``<stem>.docx`` with ``附件1 <table title>.xlsx`` beside it, as
sites publish them. ``convert`` turns rendered files into XLS / ET / WPS with LibreOffice (one
soffice call per target format). The truth (``truth/<stem>.json``, corpus shape) is written from
the spec, by construction: SPEC §2 definitions, organizers resolved to their full names.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEV_SEEDS = tuple(range(12))
HELD_OUT_SEEDS = tuple(range(1000, 1006))
CACHE = Path(__file__).resolve().parents[1] / ".cache"

# province, city, doc-number abbreviation of the city's quality council office
CITIES = [
    ("湖南省", "长沙市", "长质委办"), ("四川省", "成都市", "成质委办"), ("河南省", "郑州市", "郑质委办"),
    ("甘肃省", "兰州市", "兰质委办"), ("广西壮族自治区", "南宁市", "南质委办"), ("山东省", "青岛市", "青质委办"),
    ("黑龙江省", "哈尔滨市", "哈质委办"), ("云南省", "昆明市", "昆质委办"), ("浙江省", "宁波市", "甬质委办"),
    ("福建省", "厦门市", "厦质委办"), ("陕西省", "西安市", "西质委办"), ("安徽省", "合肥市", "合质委办"),
]
# printed form in a city notice → official name after the city's name
DEPARTMENTS = [
    ("市教育局", "教育局"), ("市住建局", "住房和城乡建设局"), ("市科技局", "科学技术局"), ("市商务局", "商务局"),
    ("市卫健委", "卫生健康委员会"), ("市总工会", "总工会"), ("市农业农村局", "农业农村局"),
    ("市人力资源和社会保障局", "人力资源和社会保障局"),
]
CATEGORY_LABELS = {"publicity": "质量宣传", "improvement": "质量提升", "supervision": "质量监管",
                   "consumer": "质量惠民", "assistance": "质量服务", "mass_activity": "群众质量活动",
                   "recognition": "质量评价"}
CONTENTS = {
    "publicity": ["举办{y}年“质量月”活动启动仪式，发布全市质量工作成果", "开展质量法律法规进社区、进校园宣传活动",
                  "组织企业质量开放日活动，邀请市民走进企业检测实验室", "在主流媒体开设“质量月”专栏，宣传质量提升典型经验"],
    "improvement": ["开展重点消费品质量提升行动，组织企业对标国际先进标准", "推广卓越绩效管理模式，组织企业开展质量管理诊断",
                    "实施品牌培育工程，推动企业参与企业标准“领跑者”活动"],
    "supervision": ["开展电动自行车及充电器产品质量专项监督抽查", "组织在建工程质量安全专项检查",
                    "开展儿童用品和学生用品质量安全专项整治"],
    "consumer": ["开展免费计量器具检定进集贸市场活动，为商户校准电子秤", "集中受理消费品质量投诉，开展质量维权咨询",
                 "组织眼镜制配场所验光仪免费检定"],
    "assistance": ["开展计量、标准、认证“三进”企业服务活动", "组织检验检测机构为小微企业提供技术咨询服务",
                   "举办企业首席质量官培训班"],
    "mass_activity": ["举办全市QC小组成果发表赛", "开展职工质量技能竞赛和岗位练兵", "组织青年质量安全示范岗创建活动"],
    "recognition": ["组织开展市长质量奖评审", "发布{y}年度优质品牌企业名单", "开展质量标杆企业遴选"],
}
THEMES = ["推动高质量发展 建设质量强国", "提升供给质量 建设质量强国", "全面提升质量 推进品牌建设",
          "创新引领质量 品牌成就未来"]
TIMES = ["9月上旬", "9月中旬", "9月下旬", "9月", "9月1日—30日", "9月15日"]


@dataclass
class Row:
    category: str
    content: str
    lead: list[tuple[str, str]]  # (printed, canonical)
    co: list[tuple[str, str]] = field(default_factory=list)
    time: str = "9月"


@dataclass
class NoticeSpec:
    seed: int
    stem: str
    province: str
    city: str
    year: int
    doc_number: str
    date: str
    theme: str
    rows: list[Row]
    two_row_header: bool
    sheets: int  # the table split over this many worksheets (same header on each)

    @property
    def issuer(self) -> str:
        return f"{self.city}质量发展委员会办公室"

    @property
    def title(self) -> str:
        return f"关于开展{self.year}年全市“质量月”活动的通知"

    @property
    def table_title(self) -> str:
        return f"{self.year}年{self.city}“质量月”重点活动安排表"


def notice(seed: int) -> NoticeSpec:
    rnd = random.Random(seed)
    province, city, abbrev = CITIES[seed % len(CITIES)]
    year = rnd.randint(2012, 2020)
    regulator = ("市市场监管局", "市场监督管理局") if year >= 2019 else ("市质监局", "质量技术监督局")
    codes = rnd.sample(sorted(CONTENTS), k=rnd.randint(4, 6))
    rows: list[Row] = []
    for code in codes:
        for text in rnd.sample(CONTENTS[code], k=rnd.randint(1, 3)):
            lead = [regulator] + ([rnd.choice(DEPARTMENTS)] if rnd.random() < 0.3 else [])
            co = rnd.sample(DEPARTMENTS, k=rnd.randint(0, 2))
            co = [d for d in co if d not in lead]
            rows.append(Row(code, text.format(y=year), [(p, city + c) for p, c in lead],
                            [(p, city + c) for p, c in co], rnd.choice(TIMES)))
    return NoticeSpec(
        seed=seed, stem=f"sheet_{seed:04d}_{year}_municipal", province=province, city=city, year=year,
        doc_number=f"{abbrev}〔{year}〕{rnd.randint(3, 60)}号", date=f"{year}-08-{rnd.randint(10, 28):02d}",
        theme=rnd.choice(THEMES), rows=rows, two_row_header=rnd.random() < 0.5, sheets=1 + (seed % 3 == 2),
    )


# ---- body text -------------------------------------------------------------------------------

def body_paragraphs(s: NoticeSpec, attachment_note: bool = True) -> list[str]:
    y, m, d = s.date.split("-")
    return [
        s.doc_number, s.title, "各县（市、区）人民政府，市直有关单位：",
        f"为贯彻落实质量强国战略，推动全市质量工作再上新台阶，经研究，决定在全市开展{s.year}年“质量月”活动。现将有关事项通知如下：",
        "一、活动主题", f"“{s.theme}”", "二、活动时间", f"{s.year}年9月1日至9月30日。",
        "三、主要活动", "全市“质量月”重点活动安排见附件1。各单位可结合实际，组织开展特色活动。",
        "四、工作要求",
        "（一）加强组织领导。各地各部门要高度重视，明确责任分工，确保各项活动落到实处。",
        "（二）注重宣传实效。充分利用报刊、广播、电视和网络等媒体，营造全社会重视质量的良好氛围。",
        f"（三）及时总结报送。请各单位于{s.year}年10月15日前将活动总结报送市质量发展委员会办公室。",
        *([f"附件：1．{s.table_title}"] if attachment_note else []),
        s.issuer, f"{y}年{int(m)}月{int(d)}日",
    ]


def outline_truth() -> list[dict[str, Any]]:
    out = []
    for i, head in enumerate(["活动主题", "活动时间", "主要活动", "工作要求"]):
        marker = "一二三四"[i] + "、"
        out.append({"path": marker[0], "marker": marker, "depth": 1, "heading": head, "text": head})
    reqs = ["加强组织领导。各地各部门要高度重视，明确责任分工，确保各项活动落到实处。",
            "注重宣传实效。充分利用报刊、广播、电视和网络等媒体，营造全社会重视质量的良好氛围。",
            "及时总结报送。"]
    for i, text in enumerate(reqs):
        sub = "（" + "一二三"[i] + "）"
        out.append({"path": f"四/{sub}", "marker": sub, "depth": 2, "heading": text.split("。")[0], "text": text})
    return out


def truth(s: NoticeSpec) -> dict[str, Any]:
    outline = outline_truth()
    outline[-1]["text"] = f"及时总结报送。请各单位于{s.year}年10月15日前将活动总结报送市质量发展委员会办公室。"
    acts = []
    for i, r in enumerate(s.rows, start=1):
        lead_raw, co_raw = "、".join(p for p, _ in r.lead), "、".join(p for p, _ in r.co)
        acts.append({"seq": i, "source": "table", "category_raw": CATEGORY_LABELS[r.category], "category": r.category,
                     "project": None, "content": r.content, "time": r.time, "place": None,
                     "organizers_raw": lead_raw + (f"；配合{co_raw}" if co_raw else ""),
                     "organizers": [c for _, c in r.lead + r.co], "lead": [c for _, c in r.lead]})
    return {"document": {"title": s.title, "doc_number": s.doc_number, "issuers": [s.issuer], "date": s.date,
                         "year": s.year, "level": "municipal", "region": s.province + s.city, "theme": s.theme,
                         "slogans": [], "references": []},
            "outline": outline, "activities": acts, "embedded": []}


# ---- the table as rows of cell texts ("^" covered from above, "<" covered from the left) -------

def table_rows(s: NoticeSpec, rows: list[Row] | None = None) -> tuple[list[list[str]], int]:
    """Header row(s) and data rows; the category cell merged down over its run of rows."""
    rows = s.rows if rows is None else rows
    if s.two_row_header:
        head = [["序号", "类别", "活动内容", "责任单位", "<", "活动时间"],
                ["^", "^", "^", "牵头单位", "配合单位", "^"]]
    else:
        head = [["序号", "类别", "活动内容", "牵头单位", "配合单位", "活动时间"]]
    body, prev = [], None
    for r in rows:
        cat = "^" if r.category == prev else CATEGORY_LABELS[r.category]
        prev = r.category
        seq = str(s.rows.index(r) + 1)
        body.append([seq, cat, r.content, "、".join(p for p, _ in r.lead), "、".join(p for p, _ in r.co), r.time])
    return head + body, len(head)


def sheet_parts(s: NoticeSpec) -> list[list[Row]]:
    if s.sheets == 1:
        return [s.rows]
    half = len(s.rows) // 2
    return [s.rows[:half], s.rows[half:]]


# ---- renderers ---------------------------------------------------------------------------------

def render_xlsx(s: NoticeSpec, path: Path) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for n, part in enumerate(sheet_parts(s), start=1):
        ws = wb.create_sheet(f"活动安排{n}" if s.sheets > 1 else "Sheet1")
        ws.append(["附件1"])
        ws.append([s.table_title])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
        rows, n_head = table_rows(s, part)
        _sheet_rows(ws, rows, first_row=3)
        ws.print_title_rows = f"3:{2 + n_head}"
        for col, width in zip("ABCDEF", (6, 12, 40, 20, 24, 12), strict=True):
            ws.column_dimensions[col].width = width
        for row in ws.iter_rows():
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    wb.save(path)
    return path


def _sheet_rows(ws: Any, rows: list[list[str]], first_row: int) -> None:
    for i, row in enumerate(rows):
        r = first_row + i
        for c, text in enumerate(row, start=1):
            if text == "^":
                top = r - 1
                while rows[top - first_row][c - 1] == "^":
                    top -= 1
                _merge(ws, top, c, r, c)
            elif text == "<":
                left = c - 1
                while rows[i][left - 1] == "<":
                    left -= 1
                _merge(ws, r, left, r, c)
            elif text:
                ws.cell(row=r, column=c, value=int(text) if text.isdigit() else text)


def _merge(ws: Any, r0: int, c0: int, r1: int, c1: int) -> None:
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row == r0 and rng.min_col == c0:
            ws.unmerge_cells(str(rng))
            r1, c1 = max(r1, rng.max_row), max(c1, rng.max_col)
    ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)


def render_docx(s: NoticeSpec, path: Path, with_table: bool) -> Path:
    """The notice body; with ``with_table`` the attachment table follows in the same DOCX."""
    import docx

    d = docx.Document()
    for text in body_paragraphs(s, attachment_note=True):
        d.add_paragraph(text)
    if with_table:
        d.add_page_break()
        d.add_paragraph("附件1")
        d.add_paragraph(s.table_title)
        rows, n_head = table_rows(s)
        _docx_table(d, rows, n_head)
    d.save(path)
    return path


def _docx_table(d: Any, rows: list[list[str]], n_head: int) -> None:
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "^":
                top = r - 1
                while rows[top][c] == "^":
                    top -= 1
                t.cell(top, c).merge(t.cell(r, c))
            elif text == "<":
                left = c - 1
                while rows[r][left] == "<":
                    left -= 1
                t.cell(r, left).merge(t.cell(r, c))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text not in ("^", "<"):
                cell = t.cell(r, c)
                lines = text.split("\n")
                cell.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)


def attachment_name(s: NoticeSpec, ext: str) -> str:
    return f"附件1 {s.table_title}.{ext}"


def render_set(seeds: tuple[int, ...], out: Path) -> Path:
    """docx/<stem>.docx (table inside), parts/<stem>/<stem>.docx + 附件1 ….xlsx, truth/<stem>.json."""
    for sub in ("docx", "parts", "truth"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        s = notice(seed)
        render_docx(s, out / "docx" / f"{s.stem}.docx", with_table=True)
        folder = out / "parts" / s.stem
        folder.mkdir(exist_ok=True)
        render_docx(s, folder / f"{s.stem}.docx", with_table=False)
        render_xlsx(s, folder / attachment_name(s, "xlsx"))
        (out / "truth" / f"{s.stem}.json").write_text(json.dumps(truth(s), ensure_ascii=False, indent=1), "utf-8")
    return out


def source_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def cached_set(name: str, seeds: tuple[int, ...]) -> Path:
    """The set rendered once per generator hash under tests/.cache/sheets-<hash>/<name>."""
    root = CACHE / f"sheets-{source_hash()}" / name
    if not (root / ".done").exists():
        if root.exists():
            shutil.rmtree(root)
        render_set(seeds, root)
        (root / ".done").write_text("ok")
    return root


def convert(files: list[Path], target: str, out_dir: Path, timeout_s: float = 300.0) -> list[Path]:
    """LibreOffice-convert ``files`` to ``target`` (xls, doc), names kept. A .doc goes through ODT
    first: LibreOffice 7.4 writes a DOCX's tables into a .doc as plain paragraphs, an ODT's it keeps."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qmetl-gen-") as tmp:
        work = Path(tmp)
        inputs = []
        for i, f in enumerate(files):  # ASCII names for LibreOffice
            inputs.append(work / f"f{i}{f.suffix}")
            shutil.copyfile(f, inputs[-1])
        if target == "doc":
            inputs = _soffice(work, inputs, "odt", "odt", timeout_s)
        produced = _soffice(work, inputs, "doc:MS Word 97" if target == "doc" else target, target, timeout_s)
        made = []
        for f, out in zip(files, produced, strict=True):
            made.append(out_dir / f"{f.stem}.{target}")
            shutil.copyfile(out, made[-1])
    return made


def _soffice(work: Path, inputs: list[Path], target: str, ext: str, timeout_s: float) -> list[Path]:
    out = work / f"out-{ext}"
    subprocess.run(["soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", target, "--outdir", str(out), *map(str, inputs)],
                   check=True, capture_output=True, timeout=timeout_s, env={"HOME": str(work), "PATH": "/usr/bin:/bin"})
    return [out / f"{p.stem}.{ext}" for p in inputs]
