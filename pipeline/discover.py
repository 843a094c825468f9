"""Find input files: a folder (recursively), single files, or a list file of paths."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def discover(sources: Iterable[str | Path]) -> list[Path]:
    """Regular files under each source, sorted, hidden and temporary files skipped, no duplicates."""
    found: dict[str, Path] = {}
    for src in sources:
        p = Path(src)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if _wanted(f, p):
                    found.setdefault(str(f), f)
        elif p.is_file():
            found.setdefault(str(p), p)
        else:
            raise FileNotFoundError(f"input not found: {p} (expected a folder or a file)")
    return sorted(found.values(), key=str)


def read_list_file(path: Path) -> list[Path]:
    """A text file with one path per line (# comments allowed), relative to the list file."""
    out: list[Path] = []
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            p = Path(line)
            out.append(p if p.is_absolute() else path.parent / p)
    return out


def _wanted(f: Path, root: Path) -> bool:
    if not f.is_file() or f.is_symlink():
        return False
    rel = f.relative_to(root).parts
    return not any(part.startswith((".", "~$")) for part in rel) and f.name not in SKIP_NAMES
