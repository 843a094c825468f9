"""Render the list-notice set once (cached by the generator's source hash) and score it.

    /work/main/.venv/bin/python -m tests.gen.lists_bench [--only FORMAT ...] [--split dev|held]

Each notice is rendered into every format below; every rendering has its own truth copy
(``<name>-<format>.json``) so the corpus scorer scores each format. The cache lives in
``tests/.cache/lists-<hash>/{dev,held}/``; tests reuse it. Prints one SCORE line per
format and split, and an overall line per split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.gen import lists, lists_docx, lists_render
from tests.gen.lists import DEV_SEEDS, HELD_OUT_SEEDS, ListNotice, build, truth

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "tests" / ".cache"
SCORER = Path(os.environ.get("QMETL_SCORER", ROOT.parent / "shared" / "tools" / "score.py"))

Renderer = Callable[[ListNotice, Path, random.Random], Path]
FORMATS: dict[str, tuple[str, Renderer]] = {
    "lit": ("docx", lambda n, p, r: lists_docx.render_docx(n, p, r, auto=False)),
    "auto": ("docx", lambda n, p, r: lists_docx.render_docx(n, p, r, auto=True)),
    "rl": ("pdf", lists_docx.render_pdf),
    "utf8": ("html", lists_render.render_html_utf8),
    "gbk": ("html", lists_render.render_html_gbk),
    "wrap": ("txt", lists_render.render_text),
}
LO_FORMAT = "lo"  # PDF by LibreOffice from the "auto" DOCX


def source_hash() -> str:
    h = hashlib.sha256()
    for mod in (lists, lists_docx, lists_render):
        h.update(Path(mod.__file__ or "").read_bytes())
    h.update((Path(lists.__file__ or "").parent / "lists_data.py").read_bytes())
    return h.hexdigest()[:12]


_OVERRIDE: list[Path] = []


def cache_dir() -> Path:
    return _OVERRIDE[0] if _OVERRIDE else CACHE / f"lists-{source_hash()}"


def split_seeds(split: str) -> list[int]:
    return DEV_SEEDS if split == "dev" else HELD_OUT_SEEDS


def render_notice(seed: int, out: Path, formats: list[str] | None = None, lo: bool = True) -> list[Path]:
    """Every rendering of one notice into ``out`` (raw files) and ``out/truth``."""
    notice = build(seed)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    gold = json.dumps(truth(notice), ensure_ascii=False, indent=1)
    for key, (ext, render) in FORMATS.items():
        if formats and key not in formats and not (key == "auto" and LO_FORMAT in formats):
            continue
        rng = random.Random(f"{seed}-{key}")
        path = out / f"{notice.name}-{key}.{ext}"
        render(notice, path, rng)
        (out / "truth" / f"{notice.name}-{key}.json").write_text(gold, encoding="utf-8")
        made.append(path)
    if lo and (not formats or LO_FORMAT in formats):
        pdf = lists_docx.docx_to_pdf(out / f"{notice.name}-auto.docx", out / f"{notice.name}-{LO_FORMAT}.pdf")
        (out / "truth" / f"{notice.name}-{LO_FORMAT}.json").write_text(gold, encoding="utf-8")
        made.append(pdf)
    return made


def ensure_rendered(split: str) -> Path:
    """The cached rendering of one split (built on first use)."""
    base = cache_dir() / split
    done = base / ".done"
    if done.exists():
        return base
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    for seed in split_seeds(split):
        render_notice(seed, base)
    done.write_text("ok")
    return base


def export_all(raw: Path, out: Path) -> None:
    """Analyse and normalize every rendering in-process; write SPEC §4 exports."""
    from extractors import parse_notice, read_layout
    from normalizers import normalize_notice

    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith(".")):
        layout = read_layout(f)
        if not layout.ok or layout.value is None:
            print(f"{f.name}: read failed: {layout.errors}", file=sys.stderr)
            continue
        parsed = parse_notice(layout.value)
        if not parsed.ok or parsed.value is None:
            print(f"{f.name}: structure failed: {parsed.errors}", file=sys.stderr)
            continue
        norm = normalize_notice(parsed.value)
        notice = norm.value if norm.ok and norm.value is not None else parsed.value
        (out / f"{f.name}.json").write_text(json.dumps(notice.to_export(), ensure_ascii=False, indent=1),
                                            encoding="utf-8")


def score(export: Path, truth_dir: Path, raw: Path, only: str) -> str:
    res = subprocess.run([sys.executable, str(SCORER), str(export), str(truth_dir), "--raw", str(raw),
                          "--only", only], capture_output=True, text=True, check=True)
    return res.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["dev", "held", "both"], default="both")
    ap.add_argument("--only", nargs="*", help="formats: " + " ".join([*FORMATS, LO_FORMAT]))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--cache", type=Path, help="score an existing rendering (default: the current hash's)")
    a = ap.parse_args()
    if a.cache:
        _OVERRIDE.append(a.cache)
    splits = ["dev", "held"] if a.split == "both" else [a.split]
    formats = a.only or [*FORMATS, LO_FORMAT]
    for split in splits:
        raw = ensure_rendered(split)
        export = cache_dir() / f"export-{split}"
        shutil.rmtree(export, ignore_errors=True)
        export_all(raw, export)
        for fmt in formats:
            ext = FORMATS[fmt][0] if fmt in FORMATS else "pdf"
            out = score(export, raw / "truth", raw, f"*-{fmt}.{ext}")
            if a.verbose:
                print(out)
            line = next(ln for ln in out.splitlines() if ln.startswith("SCORE"))
            print(f"{split:5} {fmt:5} {line}")
        if not a.only:
            out = score(export, raw / "truth", raw, "*")
            line = next(ln for ln in out.splitlines() if ln.startswith("SCORE"))
            print(f"{split:5} all   {line}")


if __name__ == "__main__":
    main()
