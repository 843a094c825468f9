"""Build the generated activity-table set once (cached by the generator's source hash) and score it.

Layout of the cache, ``tests/.cache/tables-<hash>/<split>/``: ``truth/genNNNN.json`` and one folder per
format — ``docx`` (python-docx), ``lo_pdf`` (that DOCX printed by LibreOffice), ``rl_pdf`` (reportlab),
``scan`` (image-only PDF of a page rendering, every ``SCAN_EVERY``-th notice). Scoring runs the
pipeline's analyse → normalize on every file and the SPEC §4 export shape (``--store`` goes through
``qmetl run`` / ``qmetl export`` instead), then ``score.py`` per format:

    python -m tests.gen.tables_build                 # dev and held-out, every format
    python -m tests.gen.tables_build --split dev --formats docx rl_pdf
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.gen.tables_docx import render_docx
from tests.gen.tables_pdf import render_pdf, render_scan
from tests.gen.tables_spec import DEV_SEEDS, HELD_OUT_SEEDS, make_notice, truth

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "tests" / ".cache"
FORMATS = ("docx", "lo_pdf", "rl_pdf", "scan")
SPLITS = {"dev": DEV_SEEDS, "held": HELD_OUT_SEEDS}
SCAN_EVERY = 6
SCORER = Path(os.environ.get("QMETL_SCORER", ROOT.parent / "shared" / "tools" / "score.py"))


def source_hash() -> str:
    h = hashlib.sha256()
    for name in sorted(Path(__file__).parent.glob("tables_*.py")):
        h.update(name.read_bytes())
    return h.hexdigest()[:12]


def cache_dir() -> Path:
    return CACHE / f"tables-{source_hash()}"


def build(split: str) -> Path:
    """The rendered split (built now if the cache has none for this generator source)."""
    out = cache_dir() / split
    if (out / "DONE").exists():
        return out
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for d in ("truth", *FORMATS):
        (tmp / d).mkdir(parents=True)
    for seed in SPLITS[split]:
        n = make_notice(seed)
        (tmp / "truth" / f"{n.name}.json").write_text(json.dumps(truth(n), ensure_ascii=False, indent=1), "utf-8")
        render_docx(n, tmp / "docx" / f"{n.name}.docx")
        render_pdf(n, tmp / "rl_pdf" / f"{n.name}.pdf")
    libreoffice_pdf(sorted((tmp / "docx").glob("*.docx")), tmp / "lo_pdf")
    for i, seed in enumerate(SPLITS[split]):
        if i % SCAN_EVERY == 0:
            name = f"gen{seed:04d}"
            src = tmp / ("rl_pdf" if i % (2 * SCAN_EVERY) == 0 else "lo_pdf") / f"{name}.pdf"
            render_scan(src, tmp / "scan" / f"{name}.pdf", seed=seed)
    (tmp / "DONE").write_text(source_hash())
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return out


def libreoffice_pdf(docs: list[Path], outdir: Path) -> None:
    """Print DOCX files to PDF with LibreOffice, one throwaway profile per call."""
    profile = tempfile.mkdtemp(prefix="lo-gen-")
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), *map(str, docs)],
                       check=True, timeout=900, capture_output=True, start_new_session=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [d.name for d in docs if not (outdir / (d.stem + ".pdf")).exists()]
    if missing:
        raise RuntimeError(f"LibreOffice printed no PDF for {missing}")


def export_in_process(files: list[Path], out: Path) -> None:
    """analyse → normalize → the SPEC §4 shape, as ``qmetl export`` writes it, without a store."""
    from normalizers.normalize import NormalizeContext, normalize_notice
    from pipeline.analyze import analyze_file

    out.mkdir(parents=True, exist_ok=True)
    for f in files:
        a = analyze_file(str(f))
        if a.parsed is None:
            print(f"{f.name}: {a.error}", file=sys.stderr)
            continue
        res = normalize_notice(a.parsed, NormalizeContext(file=str(f)))
        if res.value is None:
            print(f"{f.name}: {res.errors}", file=sys.stderr)
            continue
        (out / f"{f.name}.json").write_text(json.dumps(res.value.to_export(), ensure_ascii=False, indent=1), "utf-8")


def export_via_store(folder: Path, out: Path) -> None:
    db = Path(tempfile.mkdtemp(prefix="qm-gen-")) / "gen.db"
    qmetl = [sys.executable, "-c", "import sys; sys.argv[0]='qmetl'; from flows import cli; cli()"]
    subprocess.run([*qmetl, "run", "--raw", str(folder), "--db", f"sqlite:///{db}", "--no-cache"],
                   check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*qmetl, "export", "--db", f"sqlite:///{db}", "--format", "json", "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True)


def score(split: str, fmt: str, store: bool = False, only: list[str] | None = None) -> str:
    folder = build(split)
    files = sorted(p for p in (folder / fmt).iterdir() if p.is_file())
    if only:
        files = [f for f in files if f.stem in only]
    out = Path(tempfile.mkdtemp(prefix=f"gen-{split}-{fmt}-"))
    if store:
        export_via_store(folder / fmt, out)
    else:
        export_in_process(files, out)
    cmd = [sys.executable, str(SCORER), str(out), str(folder / "truth")]
    cmd += ["--only", *[f.name for f in files]]
    res = subprocess.run(cmd, capture_output=True, text=True, check=True)
    if os.environ.get("GEN_VERBOSE"):
        print(res.stdout)
    print(f"# export: {out}", file=sys.stderr)
    return next(line for line in res.stdout.splitlines() if line.startswith("SCORE"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    ap.add_argument("--formats", nargs="*", choices=FORMATS, default=list(FORMATS))
    ap.add_argument("--only", nargs="*", help="notice names (genNNNN)")
    ap.add_argument("--store", action="store_true", help="through qmetl run / export instead of in process")
    ap.add_argument("--build-only", action="store_true")
    a = ap.parse_args()
    for split in ([*SPLITS] if a.split == "both" else [a.split]):
        if a.build_only:
            print(build(split))
            continue
        for fmt in a.formats:
            print(f"{split:5s} {fmt:7s} {score(split, fmt, a.store, a.only)}", flush=True)


if __name__ == "__main__":
    main()
