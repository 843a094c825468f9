"""Every error code the code base raises or compares is an ErrorCode member with a reason."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from schemas.codes import FAMILIES, REASONS, ErrorCode, reason_for

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("schemas", "rules", "extractors", "normalizers", "loaders", "pipeline")
FAMILY_NAMES = sorted({c.value.partition(".")[0] for c in ErrorCode} | set(FAMILIES))
# any string literal of a code's shape: "pdf.damaged", 'extract.timeout' (positional arguments too)
LITERAL = re.compile(rf"[\"']((?:{'|'.join(FAMILY_NAMES)})\.[a-z_]+)[\"']")
NOT_CODES = {"ofd.xml": "the OFD index file's name", "load.mid": "a fault-injection point's name"}


def _is_code(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id in ("code", "error_code")) or \
        (isinstance(node, ast.Attribute) and node.attr in ("code", "error_code"))


def codes_in(path: Path) -> set[str]:
    """Codes written in ``path``: code="…" arguments, code = "…" class attributes, x.code == "…"."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        values: list[ast.AST] = []
        if (isinstance(node, ast.keyword) and node.arg in ("code", "error_code")) or (
                isinstance(node, ast.Assign) and any(_is_code(t) for t in node.targets)):
            values = [node.value]
        elif isinstance(node, ast.Compare) and (_is_code(node.left) or any(_is_code(c) for c in node.comparators)):
            values = [node.left, *node.comparators]
            values += [e for v in node.comparators if isinstance(v, ast.Tuple | ast.List | ast.Set) for e in v.elts]
        found |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str) and "." in v.value}
    return found


def test_every_code_in_the_code_base_has_a_reason() -> None:
    files = [p for pkg in RUNTIME for p in sorted((ROOT / pkg).rglob("*.py")) if "migrations" not in p.parts]
    files.append(ROOT / "flows.py")
    used = {code: p.relative_to(ROOT) for p in files for code in codes_in(p)}
    used |= {m: p.relative_to(ROOT) for p in files for m in LITERAL.findall(p.read_text("utf-8"))
             if m not in NOT_CODES}
    assert len(used) > 40, f"the scan found only {sorted(used)}: it no longer reads the code base"
    known = {c.value for c in ErrorCode}
    unknown = [f"{code} ({where})" for code, where in sorted(used.items()) if code not in known]
    assert not unknown, f"codes without an ErrorCode member and reason in schemas/codes.py: {unknown}"


def test_every_member_has_its_reason_and_is_its_string() -> None:
    assert set(REASONS) == set(ErrorCode)
    assert all(REASONS[c].strip() and c == c.value and str(c) == c.value for c in ErrorCode)
    assert reason_for("pdf.damaged") == "truncated or damaged PDF"
    assert reason_for("ofd.future_code") == "unreadable OFD" and reason_for("odd") == "odd"


def test_the_scan_reads_each_form(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('class E:\n    code = "a.b"\n\nraise X(code="c.d")\nif e.code in ("e.f", "g.h"):\n    pass\n',
                      "utf-8")
    assert codes_in(module) == {"a.b", "c.d", "e.f", "g.h"}
