"""Render a generated list notice (tests/gen/lists.py) into the formats offices publish.

The notice becomes one flat sequence of paragraphs with roles (red head, doc number, title,
salutation, body, outline item, signature, date); each renderer lays that sequence out its
own way: DOCX with literal markers or with Word automatic numbering (numbering.xml), PDF from
that DOCX through LibreOffice, PDF drawn by reportlab with running headers and page numbers,
HTML inside site boilerplate (UTF-8 and GBK), and hard-wrapped GB18030 text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from tests.gen.lists import ListNotice, Node, marker, walk

RED_HEAD_WORD = "文件"


@dataclass
class Para:
    role: str  # redhead, docnum, title, salutation, body, item, label, signature, date
    text: str
    node: Node | None = None
    depth: int = 0


def paragraphs(n: ListNotice, web: bool = False) -> list[Para]:
    """The printed paragraphs. A joint red head prints one name a line, or two a line where they
    fit; an unsigned notice (stamps only) has no signature lines, except on a web page, which
    shows no red head and so keeps the signature as text."""
    out: list[Para] = []
    names = [b.written for b in n.issuers]
    if n.joint:
        rows = name_rows(names) if n.head_columns == 2 else [[x] for x in names]
        out += [Para("redhead", HEAD_GAP.join(row)) for row in rows]
    else:
        out.append(Para("redhead", n.issuers[0].written + RED_HEAD_WORD))
    if n.doc_number:
        out.append(Para("docnum", n.doc_number))
    out += [Para("title", t) for t in n.title_lines]
    out.append(Para("salutation", n.salutation))
    out += [Para("body", t) for t in n.opening]
    for node, _path, depth in walk(n.nodes):
        out.append(Para("item", node.text, node, depth))
        out += [Para("label" if "单位：" in t else "body", t) for t in node.body]
    out += [Para("body", t) for t in n.closing]
    if n.signed or web:
        rows = name_rows(names) if n.joint else [names[:1]]  # signature blocks are set two a line
        out += [Para("signature", "    ".join(row)) for row in rows]
    out.append(Para("date", n.date_text))
    return out


HEAD_GAP = "　　"


def name_rows(names: list[str]) -> list[list[str]]:
    """Two names a line where they fit (≤ 22 characters together), else one."""
    rows: list[list[str]] = []
    i = 0
    while i < len(names):
        pair = names[i:i + 2]
        take = 2 if len(pair) == 2 and len(pair[0]) + len(pair[1]) <= 22 else 1
        rows.append(names[i:i + take])
        i += take
    return rows


def literal(p: Para, n: ListNotice) -> str:
    """The paragraph as printed, marker included."""
    return marker(p.node, n.arabic_sep) + p.text if p.node is not None else p.text


def running_header(n: ListNotice) -> str:
    return f"{n.year}年“质量月”活动"


# ---------------------------------------------------------------- text
def render_text(n: ListNotice, path: Path, rng: random.Random) -> Path:
    """Hard-wrapped GB18030 text: lines cut at a fixed width, centred lines padded."""
    width = rng.choice([30, 34, 38])  # full-width characters per line
    indent = "　　" if rng.random() < 0.6 else ""
    page_numbers = rng.random() < 0.5
    lines: list[str] = []
    for p in paragraphs(n):
        text = literal(p, n)
        if p.role in ("redhead", "docnum", "title"):
            lines.append("　" * max(0, (width - len(text)) // 2) + text)
            if p.role == "title" and p.text == n.title_lines[-1]:
                lines.append("")
            continue
        if p.role in ("signature", "date"):
            lines.append("　" * max(0, width - len(text) - 2) + text)
            continue
        first = "" if p.role == "salutation" else indent
        lines += _wrap(first + text, width)
    if page_numbers:
        every = 40
        for k in range(len(lines) // every, 0, -1):
            lines.insert(k * every, f"— {k + 1} —".center(width))
    path.write_bytes("\n".join(lines).encode("gb18030") + b"\n")
    return path


def _wrap(text: str, width: int) -> list[str]:
    """Cut at ``width`` display columns of full-width characters (ASCII counts half)."""
    out: list[str] = []
    cur, w = "", 0.0
    for ch in text:
        cw = 0.5 if ord(ch) < 0x2E80 and ch not in "“”‘’" else 1.0
        if w + cw > width:
            out.append(cur)
            cur, w = "", 0.0
        cur += ch
        w += cw
    if cur:
        out.append(cur)
    return out


# ---------------------------------------------------------------- HTML
_NAV = ["首页", "机构概况", "政务公开", "通知公告", "办事服务", "互动交流", "专题专栏"]


def _related(n: ListNotice) -> list[str]:
    return [f"关于开展{n.year - 1}年{n.place}“质量月”活动的通知", f"{n.year}年{n.place}产品质量监督抽查结果的公告",
            "关于做好标准化工作的通知", f"关于组织申报{n.year}年度质量奖的通知", "计量器具免费检定服务的通告"]


def _html_body(n: ListNotice, tag: str = "p") -> str:
    rows = []
    for p in paragraphs(n, web=True):
        if p.role in ("redhead", "title"):
            continue
        text = literal(p, n)
        if p.role == "docnum":
            rows.append(f'<{tag} style="text-align:center">{text}</{tag}>')
        elif p.role in ("signature", "date"):
            rows.append(f'<{tag} style="text-align:right">{text.replace("    ", "&nbsp;&nbsp;&nbsp;&nbsp;")}</{tag}>')
        elif p.role == "salutation":
            rows.append(f"<{tag}>{text}</{tag}>")
        else:
            rows.append(f'<{tag} style="text-indent:2em">{text}</{tag}>')
    return "\n".join(rows)


def render_html_utf8(n: ListNotice, path: Path, rng: random.Random) -> Path:
    site = n.issuers[0].canonical
    nav = "".join(f'<li><a href="/c{i}/">{x}</a></li>' for i, x in enumerate(_NAV))
    related = "".join(f'<li><a href="/art/{i}.html">{t}</a><span>{n.year}-0{i + 3}-1{i}</span></li>'
                      for i, t in enumerate(_related(n)))
    html = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{n.title}_{site}</title>
<style>.wzbt{{font-size:22px;font-weight:bold;text-align:center}} .nr p{{font-size:16px}}</style></head>
<body>
<div class="dh"><div class="logo">{site}</div><ul>{nav}</ul></div>
<div class="wz">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg/">通知公告</a> &gt; 正文</div>
<div class="zt">
<div class="lm"><h3>相关文章</h3><ul>{related}</ul></div>
<div class="wzy">
<div class="wzbt">{n.title}</div>
<div class="xx">发布时间：{n.year}-09-0{rng.randint(1, 9)}　来源：{site}　浏览次数：{rng.randint(100, 9000)}　【字体：大 中 小】</div>
<div class="fx">分享到：微信 微博 QQ空间</div>
<div class="nr">
{_html_body(n)}
</div>
<div class="gj">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div></div>
<div class="db">主办单位：{site}　版权所有　网站标识码：{rng.randint(1000000000, 9999999999)}<br>
ICP备{rng.randint(10000000, 99999999)}号　地址：{n.region}人民路{rng.randint(1, 300)}号</div>
</body></html>
"""
    path.write_bytes(html.encode("utf-8"))
    return path


def render_html_gbk(n: ListNotice, path: Path, rng: random.Random) -> Path:
    site = n.issuers[0].canonical
    nav = " | ".join(f'<a href="/c{i}/">{x}</a>' for i, x in enumerate(_NAV))
    side = "".join(f'<tr><td><a href="/a/{i}.htm">{t}</a></td></tr>' for i, t in enumerate(_related(n)))
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{site}</title></head><body>
<table width="1000" align="center"><tr><td colspan="2"><img src="logo.gif" alt="{site}"><br>{nav}</td></tr>
<tr><td colspan="2">您现在的位置：<a href="/">网站首页</a> &gt;&gt; <a href="/gg/">公告公示</a></td></tr>
<tr><td width="220" valign="top"><table><tr><td><b>热点信息</b></td></tr>{side}</table></td>
<td valign="top"><table width="100%"><tr><td align="center"><font size="5"><b>{n.title}</b></font></td></tr>
<tr><td align="center">日期：{n.year}-09-0{rng.randint(1, 9)}　点击：{rng.randint(10, 999)}</td></tr>
<tr><td>
{_html_body(n)}
</td></tr>
<tr><td align="right">【<a href="#" onclick="window.print()">打印本页</a>】【<a href="#">关闭窗口</a>】【<a href="#">返回顶部</a>】</td></tr>
</table></td></tr>
<tr><td colspan="2" align="center">版权所有：{site}　技术支持：信息中心<br>建议使用1024×768分辨率浏览</td></tr>
</table></body></html>
"""
    path.write_bytes(html.encode("gbk"))
    return path
