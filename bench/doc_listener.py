"""DOC files/second: one LibreOffice per worker (the listener) vs one LibreOffice start per file.

Generated DOC files (bench/generate.py's DOCX notices, saved as Word 97 by LibreOffice through ODT,
as tests/gen/sheets.py does; made once into bench/.cache/doc-<hash>/) are read by ``read_doc`` both
ways in one process, interleaved, best of ``repeat`` rounds each: per file
(``QMETL_SOFFICE_LISTENER=0``) and through the listener (a fresh one every round: its start is
counted in ``listener_with_start``, left out of the steady rate). The pages both ways must be equal
for every file (``identical``).

    python bench/doc_listener.py [--count 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from extractors.readers import soffice_listener  # noqa: E402
from extractors.readers.doc import read_doc  # noqa: E402

CACHE = ROOT / "bench" / ".cache"


def source_hash() -> str:
    digest = hashlib.sha256()
    for f in (ROOT / "bench" / "generate.py", ROOT / "tests" / "gen" / "sheets.py", Path(__file__)):
        digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def doc_files(corpus: Path, count: int) -> list[Path]:
    """``count`` generated DOC notices (rendered once per generator source)."""
    from tests.gen.sheets import convert

    out = CACHE / f"doc-{source_hash()}" / f"n{count}"
    if not (out / ".done").exists():
        shutil.rmtree(out, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="qmetl-docbench-") as tmp:
            docx = generate(corpus, Path(tmp), count, pdf_every=0)
            convert(docx, "doc", out)
        (out / ".done").write_text("ok")
    return sorted(out.glob("*.doc"))


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) of the live processes of process group ``pgid``."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # after the name: state, ppid, pgrp, …, utime (12), stime (13)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _cpu_now() -> float:
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _round(files: list[Path], listener: bool) -> tuple[float, float, float, list[str]]:
    """(seconds for all files, seconds after the first, CPU seconds after the first — this process,
    its waited children and the listener's process group —, the pages of each file as text)."""
    os.environ[soffice_listener.ENV_SWITCH] = "1" if listener else "0"
    soffice_listener.stop_all()
    pages: list[str] = []
    start = time.perf_counter()
    first, cpu0 = start, 0.0
    for i, f in enumerate(files):
        pages.append(repr(read_doc(f)))
        if i == 0:
            first, cpu0 = time.perf_counter(), _cpu_now() + _listener_cpu()
    end, cpu = time.perf_counter(), _cpu_now() + _listener_cpu() - cpu0
    soffice_listener.stop_all()
    return end - start, end - first, cpu, pages


def _listener_cpu() -> float:
    return sum(group_cpu_s(x.proc.pid) for x in soffice_listener._listeners.values() if x.proc is not None)


def measure(corpus: Path, count: int = 20, repeat: int = 3) -> dict[str, object]:
    files = doc_files(corpus, count)
    saved = os.environ.get(soffice_listener.ENV_SWITCH)
    per_file, with_start, steady = [], [], []
    cpu: dict[bool, list[float]] = {False: [], True: []}
    identical = True
    try:
        for r in range(repeat):
            order = (False, True) if r % 2 == 0 else (True, False)
            got: dict[bool, list[str]] = {}
            for listener in order:
                total, after_first, used, got[listener] = _round(files, listener)
                cpu[listener].append(used)
                if listener:
                    with_start.append(total)
                    steady.append(after_first)
                else:
                    per_file.append(total)
            identical = identical and got[True] == got[False]
    finally:
        if saved is None:
            os.environ.pop(soffice_listener.ENV_SWITCH, None)
        else:
            os.environ[soffice_listener.ENV_SWITCH] = saved
    n = len(files)
    best_per_file, best_start, best_steady = min(per_file), min(with_start), min(steady)
    return {
        "files": n, "rounds": repeat, "identical": identical,
        "seconds": {"per_file": [round(s, 2) for s in per_file], "listener_with_start": [round(s, 2) for s in with_start],
                    "listener_steady": [round(s, 2) for s in steady]},
        "files_per_second": {"per_file": round(n / best_per_file, 2),
                             "listener_with_start": round(n / best_start, 2),
                             "listener_steady": round((n - 1) / best_steady, 2) if n > 1 else None},
        "ratio_listener_vs_per_file": round(best_per_file / best_start, 2),
        # CPU seconds per file after the first, best round: what one worker owning one idle core pays
        "cpu_s_per_file": {"per_file": round(min(cpu[False]) / (n - 1), 3),
                           "listener": round(min(cpu[True]) / (n - 1), 3)} if n > 1 else None,
        "files_per_cpu_second": {"per_file": round((n - 1) / min(cpu[False]), 2),
                                 "listener": round((n - 1) / min(cpu[True]), 2)} if n > 1 else None,
        "load_average": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "corpus" / "raw")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(json.dumps(measure(args.corpus, args.count, args.repeat), indent=1))


if __name__ == "__main__":
    main()
