"""Render a generated table notice (tests/gen/tables_spec.py) as a government web page: site
boilerplate (navigation, breadcrumb, share bar, footer), the notice text, and the activity table
as an HTML <table> with rowspan/colspan (group rows across the table, two-row headers), in
UTF-8 or GBK. The same grid (tests/gen/tables_grid.py) the DOCX and PDF renderers draw."""

from __future__ import annotations

import html
import random
from pathlib import Path

from tests.gen.tables_grid import body_rows, head_cells
from tests.gen.tables_spec import Notice, chinese_date

_NAV = ["首页", "机构概况", "政务公开", "通知公告", "办事服务", "互动交流"]


def render_html(n: Notice, path: Path, encoding: str = "utf-8", seed: int = 0) -> Path:
    rng = random.Random(seed)
    e = html.escape
    parts = [f'<div class="nav">{"".join(f"<a href=#>{x}</a>" for x in _NAV)}</div>',
             '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>',
             f'<h1 class="title">{e(n.title)}</h1>',
             f'<div class="info">发布时间：{n.date} 来源：{e(n.issuer)} 【打印本页】</div>', '<div class="content">']
    if not n.traits.title_only:
        if n.doc_number:
            parts.append(f'<p style="text-align:center">{e(n.doc_number)}</p>')
        parts.append("<p>各有关单位：</p>")
        parts += [f'<p style="text-indent:2em">{e(p)}</p>' for p in n.body]
        parts.append(f"<p>附件：{e(n.table_title)}</p>")
        parts.append(f'<p style="text-align:right">{e(n.issuer)}</p>')
        parts.append(f'<p style="text-align:right">{chinese_date(n.date)}</p>')
        parts.append("<p>附件</p>")
        parts.append(f'<p style="text-align:center"><b>{e(n.table_title)}</b></p>')
    parts.append(_table(n, rng))
    parts.append("</div>")
    parts.append('<div class="share">分享到：微信 微博</div><div class="footer">主办单位：' + e(n.issuer)
                 + " 网站标识码：1234567890 ICP备案号：京ICP备00000000号</div>")
    page = (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{e(n.title)}</title></head>'
            f"<body>{''.join(parts)}</body></html>")
    path.write_bytes(page.encode(encoding))
    return path


def _table(n: Notice, rng: random.Random) -> str:
    e = html.escape
    n_head, heads = head_cells(n.columns)
    out = ['<table border="1" cellspacing="0">']
    head_tag = "th" if rng.random() < 0.5 else "td"
    for r in range(n_head):
        cells = [h for h in heads if h.row == r]
        out.append("<tr>" + "".join(
            f"<{head_tag}{_span(h.row_span, h.col_span)}>{e(h.text)}</{head_tag}>" for h in cells) + "</tr>")
    for row in body_rows(n):
        if row.kind == "group":
            out.append(f'<tr><td colspan="{len(n.columns)}">{e(row.texts[0])}</td></tr>')
            continue
        tds = [f"<td{_span(span, 1)}>{'<br>'.join(e(x) for x in text.split(chr(10)))}</td>"
               for text, span in zip(row.texts, row.span, strict=True) if span]
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _span(rows: int, cols: int) -> str:
    return (f' rowspan="{rows}"' if rows > 1 else "") + (f' colspan="{cols}"' if cols > 1 else "")


def main() -> None:
    """Render the dev or held-out split as web pages and score it: python -m tests.gen.tables_html [held]."""
    import json
    import shutil
    import subprocess
    import sys
    import tempfile

    from tests.gen.tables_build import SCORER, export_in_process
    from tests.gen.tables_spec import DEV_SEEDS, HELD_OUT_SEEDS, make_notice, truth

    split = sys.argv[1] if len(sys.argv) > 1 else "dev"
    seeds = HELD_OUT_SEEDS if split == "held" else DEV_SEEDS
    tmp = Path(tempfile.mkdtemp(prefix="tables-html-"))
    (tmp / "raw").mkdir()
    (tmp / "truth").mkdir()
    for s in seeds:
        n = make_notice(s)
        render_html(n, tmp / "raw" / f"{n.name}.html", "gbk" if s % 2 else "utf-8", seed=s)
        (tmp / "truth" / f"{n.name}.json").write_text(json.dumps(truth(n), ensure_ascii=False), encoding="utf-8")
    export_in_process(sorted((tmp / "raw").iterdir()), tmp / "export")
    res = subprocess.run([sys.executable, str(SCORER), str(tmp / "export"), str(tmp / "truth"),
                          "--raw", str(tmp / "raw")], capture_output=True, text=True, check=True)
    print(f"{split} html " + res.stdout.strip().splitlines()[-1])
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
