"""Layers import only downward: schemas ← rules ← extractors / normalizers ← loaders ← pipeline ← flows.py.

Every import statement of every module (module level or inside a function) is read with ``ast``;
a loader importing a normalizer, an extractor or the pipeline fails here with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "rules", "extractors", "normalizers", "loaders", "pipeline", "flows", "qmetl_main")
ALLOWED = {
    "schemas": {"schemas"},
    "rules": {"schemas", "rules"},
    "extractors": {"schemas", "rules", "extractors"},
    "normalizers": {"schemas", "rules", "normalizers"},
    "loaders": {"schemas", "rules", "loaders"},
    "pipeline": {"schemas", "rules", "extractors", "normalizers", "loaders", "pipeline"},
}


def project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level project package) of every import in ``path``."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        out += [(node.lineno, n.split(".")[0]) for n in names if n.split(".")[0] in PACKAGES]
    return out


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_downward(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"no modules under {layer}/"
    wrong = [f"{f.relative_to(ROOT)}:{line} imports {pkg}" for f in files for line, pkg in project_imports(f)
             if pkg not in ALLOWED[layer]]
    assert not wrong, f"{layer} may import only {sorted(ALLOWED[layer])}: " + "; ".join(wrong)


def test_the_rule_catches_a_function_level_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from normalizers.regions import match_prefix\n    return match_prefix\n", "utf-8")
    assert project_imports(module) == [(2, "normalizers")]


def test_readers_do_not_import_the_structure_stage() -> None:
    """Inside extractors: readers build pages; the structure stage reads them, never the other way."""
    wrong = []
    for f in sorted((ROOT / "extractors" / "readers").rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text("utf-8"), str(f))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            wrong += [f"{f.relative_to(ROOT)}:{node.lineno} imports {n}" for n in names
                      if n.startswith("extractors.structure")]
    assert not wrong, "; ".join(wrong)
