"""qmetl benchmarks: how fast, how big, how it grows. Prints figures; writes results.json + RESULTS.md.

    python bench/run.py                         # everything, sizes 100,1000,5000
    python bench/run.py --sizes 100,1000 --workers 1,2 --overhead-docs 1000
    python bench/run.py --only stages           # one part: stages, scaling, overhead

Parts:
- stages: pages/second per stage (read, structure, normalize, load) and end to end on the corpus
  text PDFs, DOCX and scans, plus bare pdfplumber (page.chars on every page) and the ratio.
- chars: pypdfium2 as the PDF char and ruling source instead of pdfplumber (bench/char_source.py).
- textpdf: the corpus text PDFs end to end with the PDFium char source, with the pdfminer one, and
  bare pdfplumber, interleaved, best of 5 rounds (bench/text_pdf.py).
- doc: DOC files through one LibreOffice listener vs one start per file (bench/doc_listener.py).
- scaling: generated corpora (bench/generate.py) end to end through ``qmetl run`` with each worker
  count (more than one worker: ``--executor processes``, as threads share one GIL): documents/second
  and peak memory of the whole process tree; then a rerun of the unchanged largest corpus (files/s)
  and ``qmetl renormalize``.
- rerun: the rerun and renormalize of the scaling part alone, on the store it left in bench/.cache/stores.
- ocr: the pipeline's OCR vs bare RapidOCR on the same scan pages (bench/ocr.py --compare).
- overhead: the same documents through the Prefect flow (temporary server, running server) vs the stage
  functions in a plain loop (bench/overhead.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import generate  # noqa: E402
from bench.measure import ROOT, bare_pdfplumber, machine, qmetl, run_child, stage_totals  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
STORES = CACHE / "stores"  # the scaling part's stores, reused by --only rerun


def stages_part(corpus: Path) -> dict[str, object]:
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    groups = stage_totals(files, repeat=2)
    text_pdfs = [f for f in files if f.suffix.lower() == ".pdf" and "_scan" not in f.stem]
    bare_pages, bare_s = bare_pdfplumber(text_pdfs, repeat=2)
    bare_pps = bare_pages / bare_s
    pdf = groups.get("text_pdf")
    pipeline_pps = pdf.pages_per_second()["end_to_end"] if pdf else 0.0
    read_pps = pdf.pages_per_second().get("read", 0.0) if pdf else 0.0
    return {
        "groups": {k: {"files": g.files, "pages": g.pages, "pages_per_second": g.pages_per_second()}
                   for k, g in groups.items()},
        "bare_pdfplumber_pages_per_second": round(bare_pps, 1),
        "ratio_end_to_end_vs_bare": round(pipeline_pps / bare_pps, 2),
        "ratio_read_vs_bare": round(read_pps / bare_pps, 2),
    }


def scaling_part(corpus: Path, sizes: list[int], workers: list[int]) -> dict[str, object]:
    runs: list[dict[str, object]] = []
    STORES.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        gen = CACHE / f"gen{n}"
        generate(corpus, gen, n)
        for w in workers:
            store = STORES / f"n{n}_w{w}.db"
            store.unlink(missing_ok=True)
            executor = "processes" if w > 1 else "threads"
            child = run_child(qmetl("run", "--raw", str(gen), "--db", f"sqlite:///{store}", "--workers", str(w),
                                    "--executor", executor, "--no-cache"), env={"PREFECT_LOGGING_LEVEL": "WARNING"})
            runs.append({"docs": n, "workers": w, "executor": executor, "seconds": child.seconds,
                         "docs_per_second": round(n / child.seconds, 2), "peak_rss_mb": child.peak_rss_mb,
                         "returncode": child.returncode})
            print(f"  scaling n={n} workers={w}: {child.seconds:.1f}s, {n / child.seconds:.1f} docs/s, "
                  f"peak {child.peak_rss_mb:.0f} MB", flush=True)
    return {"runs": runs, **rerun_part(max(sizes), workers[0])}


def rerun_part(docs: int, workers: int = 1) -> dict[str, object]:
    """A rerun of the unchanged generated folder into the store the scaling part loaded, then
    ``qmetl renormalize --all`` of that store."""
    store = STORES / f"n{docs}_w{workers}.db"
    if not store.exists():
        raise SystemExit(f"{store} is missing: run the scaling part with {docs} documents first")
    db = f"sqlite:///{store}"
    rerun = run_child(qmetl("run", "--raw", str(CACHE / f"gen{docs}"), "--db", db),
                      env={"PREFECT_LOGGING_LEVEL": "WARNING"})
    out: dict[str, object] = {"rerun": {
        "docs": docs, "seconds": rerun.seconds, "files_per_second": round(docs / rerun.seconds, 1),
        "peak_rss_mb": rerun.peak_rss_mb, "returncode": rerun.returncode, "summary": _summary_line(rerun.tail)}}
    print(f"  rerun of {docs} unchanged: {rerun.seconds:.1f}s ({docs / rerun.seconds:.0f} files/s, the whole "
          "`qmetl run` command)", flush=True)
    renorm = run_child(qmetl("renormalize", "--db", db, "--all"))
    out["renormalize"] = {"docs": docs, "seconds": renorm.seconds, "returncode": renorm.returncode,
                          "docs_per_second": round(docs / renorm.seconds, 1), "peak_rss_mb": renorm.peak_rss_mb}
    print(f"  renormalize of {docs}: {renorm.seconds:.1f}s, peak {renorm.peak_rss_mb:.0f} MB", flush=True)
    return out


def _summary_line(tail: str) -> str:
    return next((ln for ln in tail.splitlines() if ln.startswith("run ")), "")


def overhead_part(corpus: Path, docs: int, rounds: int = 3) -> dict[str, object]:
    from bench.overhead import measure

    gen = CACHE / f"gen{docs}"
    generate(corpus, gen, docs)
    result = measure(gen, rounds)
    print(f"  overhead: temporary server {result['overhead_flow_temporary_server']:+.1%}, running server "
          f"{result['overhead_flow_running_server']:+.1%}", flush=True)
    return result


def markdown(results: dict[str, object]) -> str:
    m = results["machine"]
    lines = ["# qmetl benchmark results", "",
             f"Machine: {m['cpu']} ({m['cores']} cores), {m['memory_gib']} GiB, Python {m['python']}.",  # type: ignore[index]
             f"Date: {results['date']}. Regenerate with `python bench/run.py`.", ""]
    st = results.get("stages")
    if isinstance(st, dict):
        lines += ["## Stages (pages/second)", "", "| input | files | pages | read | structure | normalize | load | end to end |",
                  "|---|---|---|---|---|---|---|---|"]
        for k, g in st["groups"].items():
            p = g["pages_per_second"]
            lines.append(f"| {k} | {g['files']} | {g['pages']} | {p.get('read', '')} | {p.get('structure', '')} | "
                         f"{p.get('normalize', '')} | {p.get('load', '')} | {p['end_to_end']} |")
        lines += ["", f"Bare pdfplumber (page.chars): {st['bare_pdfplumber_pages_per_second']} pages/s; "
                  f"pipeline end to end / bare = **{st['ratio_end_to_end_vs_bare']}**, read stage / bare = "
                  f"{st['ratio_read_vs_bare']} (target ≥ 0.8).", ""]
    sc = results.get("scaling")
    if isinstance(sc, dict):
        lines += ["## Scaling (generated notices, `qmetl run`)", "",
                  "| docs | workers | executor | seconds | docs/s | peak memory MB (process tree) |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {r['docs']} | {r['workers']} | {r.get('executor', 'threads')} | {r['seconds']} | "
                  f"{r['docs_per_second']} | {r['peak_rss_mb']} |" for r in sc["runs"]]
        rr, rn = sc["rerun"], sc["renormalize"]
        lines += ["", f"Rerun of {rr['docs']} unchanged files: {rr['seconds']} s for the whole `qmetl run` command, "
                  f"{rr.get('files_per_second')} files/s (target: < 5 s at 5,000).",
                  f"Renormalize of {rn.get('docs')}: {rn.get('seconds')} s, {rn.get('docs_per_second')} docs/s.", ""]
    ch = results.get("chars")
    if isinstance(ch, dict):
        pps, ag = ch["pages_per_second"], ch["agreement"]
        if isinstance(st, dict) and "text_pdf" in st["groups"]:
            g = st["groups"]["text_pdf"]["pages_per_second"]
            per_page = 1 / g["end_to_end"] - 1 / g["read"] + 1 / pps["reader_projected_with_pdfium"]
            ch["projected_end_to_end_vs_bare"] = round(1 / per_page / st["bare_pdfplumber_pages_per_second"], 2)
        lines += ["## PDF char source: pdfplumber vs pypdfium2 (corpus text PDFs)", "",
                  "| pdfplumber parse | pdfminer layout | pypdfium2 chars + paths | reader now | "
                  "reader with pypdfium2 (projected) |", "|---|---|---|---|---|",
                  f"| {pps['pdfplumber_parse']} | {pps.get('pdfminer_layout', '')} | {pps['pdfium_chars_and_paths']} | "
                  f"{pps['reader_now']} | "
                  f"{pps['reader_projected_with_pdfium']} |", "",
                  f"Pages/second, {ch['pages']} pages. The two sources agree on {ag['agree']:.1%} of {ag['chars']} chars "
                  f"(same char, x within 0.5 pt — largest x offset {ag['max_dx']} pt — on the same line; tops differ by "
                  f"up to {ag['max_dtop']} pt, font bounding box vs ascent).",
                  f"With pypdfium2 as the char source, the pipeline end to end would run at "
                  f"{ch.get('projected_end_to_end_vs_bare', '?')} × bare pdfplumber (projected from the stage times).", ""]
    tp = results.get("textpdf")
    if isinstance(tp, dict):
        pps = tp["pages_per_second"]
        lines += ["## Text PDFs end to end: PDFium vs pdfminer char source vs bare pdfplumber", "",
                  f"{tp['files']} corpus text PDFs, {tp['pages']} pages, {tp['rounds']} interleaved rounds, best round "
                  "(`bench/text_pdf.py`); the pipeline: read → structure → normalize → load, no analysis cache.", "",
                  "| bare pdfplumber (page.chars) | pipeline, PDFium chars | pipeline, pdfminer chars | "
                  "PDFium / bare | pdfminer / bare | PDFium / pdfminer |", "|---|---|---|---|---|---|",
                  f"| {pps['bare_pdfplumber']} | {pps['pipeline_pdfium']} | {pps['pipeline_pdfminer']} | "
                  f"**{tp['ratio_pdfium_vs_bare']}** | {tp['ratio_pdfminer_vs_bare']} | {tp['ratio_pdfium_vs_pdfminer']} |",
                  "", "Pages/second. Target: PDFium / bare ≥ 2.", ""]
    dc = results.get("doc")
    if isinstance(dc, dict):
        fps, cpu = dc["files_per_second"], dc.get("files_per_cpu_second") or {}
        lines += ["## DOC files: one LibreOffice per worker vs one start per file", "",
                  f"{dc['files']} generated DOC files, {dc['rounds']} interleaved rounds, best round "
                  f"(`bench/doc_listener.py`); pages equal both ways: {dc['identical']}; load average "
                  f"{dc['load_average']}.", "",
                  "| per file | listener, with its start | listener, steady | listener / per file | "
                  "files per CPU second: per file | listener |", "|---|---|---|---|---|---|",
                  f"| {fps['per_file']} | {fps['listener_with_start']} | {fps['listener_steady']} | "
                  f"**{dc['ratio_listener_vs_per_file']}** | {cpu.get('per_file', '')} | {cpu.get('listener', '')} |",
                  "", "Files/second. Target: ≥ 5 DOC files/s per worker.", ""]
    oc = results.get("ocr")
    if isinstance(oc, dict) and "pipeline" in oc:
        from bench.ocr import markdown as ocr_markdown

        lines += ocr_markdown(oc)
    ov = results.get("overhead")
    if isinstance(ov, dict) and "best" in ov:
        best = ov["best"]
        lines += ["## Prefect overhead", "",
                  f"{ov['docs']} documents, best of {len(ov['rounds'])} interleaved rounds (`bench/overhead.py`); "
                  "in the run = discovery to summary, without start-up and shut-down.", "",
                  "| how | seconds | overhead | same round | in the run | overhead in the run | outside the stages "
                  "| Prefect's cost |",
                  "|---|---|---|---|---|---|---|---|"]
        for k, label in (("direct", "stage functions in a loop"), ("flow_temporary_server", "flow, temporary server"),
                         ("flow_running_server", "flow, running Prefect server")):
            flow = k != "direct"
            over = f"{ov[f'overhead_{k}']:+.1%}" if flow else ""
            in_run = f"{ov[f'in_run_overhead_{k}']:+.1%}" if flow else ""
            cost = f"{ov[f'prefect_cost_{k}']:+.1%}" if flow and f"prefect_cost_{k}" in ov else ""
            paired = f"{ov[f'paired_overhead_{k}']:+.1%}" if flow and f"paired_overhead_{k}" in ov else ""
            outside = round(best[k]["seconds"] - best[k].get("stage_seconds", best[k]["seconds"]), 2)
            lines.append(f"| {label} | {best[k]['seconds']} | {over} | {paired} | {best[k]['in_run_seconds']} | "
                         f"{in_run} | {outside} | {cost} |")
        lines += ["", "Overhead: best flow over best loop; same round: each flow over the loop of its round "
                  "(median). Prefect's cost: seconds outside the stage functions beyond the loop's own, over the "
                  "loop's wall time (median of the rounds); the stage code's own speed swings with this VM. "
                  "Target: < 10% at 1,000 documents.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus" / "raw")
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--overhead-docs", type=int, default=1000)
    ap.add_argument("--only", choices=["stages", "chars", "textpdf", "doc", "scaling", "rerun", "overhead", "ocr"], action="append")
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    ap.add_argument("--ocr-pages", type=int, default=1, help="pages per scanned file in the ocr part (0 = all)")
    args = ap.parse_args()
    parts = set(args.only or ["stages", "chars", "textpdf", "doc", "scaling", "overhead", "ocr"])
    import datetime

    previous = args.out / "results.json"  # parts not run this time keep their last figures
    results: dict[str, object] = json.loads(previous.read_text("utf-8")) if previous.exists() else {}
    results.update({"machine": machine(), "date": datetime.date.today().isoformat()})
    if "stages" in parts:
        print("stages …", flush=True)
        results["stages"] = stages_part(args.corpus)
        print(json.dumps(results["stages"], indent=1, ensure_ascii=False), flush=True)
    if "chars" in parts:
        print("char source …", flush=True)
        from bench.char_source import measure as char_source

        results["chars"] = char_source(args.corpus, repeat=3)
        print(json.dumps(results["chars"], indent=1), flush=True)
    if "textpdf" in parts:
        print("text PDFs: PDFium vs pdfminer vs bare pdfplumber …", flush=True)
        from bench.char_source import text_pdfs
        from bench.text_pdf import measure as text_pdf_measure

        results["textpdf"] = text_pdf_measure(text_pdfs(ROOT / "tests" / "data" / "corpus" / "raw"), rounds=5)
    if "doc" in parts:
        print("DOC: LibreOffice listener vs one start per file …", flush=True)
        from bench.doc_listener import measure as doc_measure

        results["doc"] = doc_measure(ROOT / "tests" / "data" / "corpus" / "raw", count=20, repeat=3)
    if "scaling" in parts:
        print("scaling …", flush=True)
        results["scaling"] = scaling_part(args.corpus, [int(s) for s in args.sizes.split(",")],
                                          [int(w) for w in args.workers.split(",")])
    if "rerun" in parts and "scaling" not in parts:
        print("rerun …", flush=True)
        sizes = [int(s) for s in args.sizes.split(",")]
        scaling = results.get("scaling")
        results["scaling"] = {**(scaling if isinstance(scaling, dict) else {}), **rerun_part(max(sizes))}
    if "ocr" in parts:
        print("OCR: pipeline vs bare RapidOCR …", flush=True)
        from bench.ocr import compare, default_files, dev_scans

        results["ocr"] = compare([*default_files(), *dev_scans()], pages=args.ocr_pages)
    if "overhead" in parts:
        print("Prefect overhead …", flush=True)
        results["overhead"] = overhead_part(args.corpus, args.overhead_docs)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", "utf-8")
    notes = ROOT / "bench" / "NOTES.md"  # the hand-written reading of the figures
    text = markdown(results) + ("\n" + notes.read_text("utf-8") if notes.exists() else "")
    (args.out / "RESULTS.md").write_text(text + "\n", "utf-8")
    print(text)


if __name__ == "__main__":
    main()
