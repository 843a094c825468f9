"""Find input files: a folder (recursively), single files, or a list file of paths / file:// URLs."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def discover(sources: Iterable[str | Path]) -> list[Path]:
    """Regular files under each source, sorted, hidden and temporary files skipped, no duplicates; a
    sub-folder that cannot be listed is returned too (the run records it as unreadable, never skips it
    without a word)."""
    found: dict[str, Path] = {}
    for src in sources:
        p = Path(src)
        if p.is_dir():
            for f in walk(p):
                found.setdefault(str(f), f)
        elif p.is_file():
            found.setdefault(str(p), p)
        else:
            raise FileNotFoundError(f"input not found: {p} (expected a folder or a file)")
    return sorted(found.values(), key=str)


def read_list_file(path: Path, roots: Iterable[str | Path] | None = None) -> list[Path]:
    """A text file with one path or file:// URL per line (# comments allowed), relative to the list file.

    Only already-downloaded files: any other URL scheme is an error naming the line. With ``roots``,
    every entry must lie inside one of them (symbolic links and ``..`` resolved), else an error
    naming the line: a list never reaches outside the folders it was configured for.
    """
    allowed = [Path(r).resolve() for r in roots] if roots is not None else None
    out: list[Path] = []
    for number, line in enumerate(path.read_text("utf-8-sig").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            p = _list_entry(line, path, number)
            p = p if p.is_absolute() else path.parent / p
            if allowed is not None and not any(p.resolve().is_relative_to(r) for r in allowed):
                raise ValueError(f"{path}:{number}: {line!r} is outside the allowed folders "
                                 f"({', '.join(map(str, allowed))}); expected a file under one of them "
                                 "(list_any_path = true allows any path)")
            out.append(p)
    return out


def list_roots(list_file: Path, raw: str, sources: Iterable[str] | None) -> list[Path]:
    """Where a list's entries may be: the list file's folder, the raw folder and any --raw source."""
    return [list_file.parent, Path(raw), *(Path(s) for s in sources or [])]


def listed_files(list_file: Path, raw: str, sources: Iterable[str] | None, any_path: bool) -> list[Path]:
    """The files a list names; unless ``any_path``, each inside a folder ``list_roots`` allows."""
    return read_list_file(list_file, None if any_path else list_roots(list_file, raw, sources))


def run_roots(raw: str, sources: list[str] | None, list_file: str | None, any_path: bool) -> list[str]:
    """What a run ingests: its sources and the files its list names; the raw folder when neither is given."""
    listed = [str(p) for p in listed_files(Path(list_file), raw, sources, any_path)] if list_file else []
    return (sources or ([] if listed else [raw])) + listed


def _list_entry(line: str, list_file: Path, number: int) -> Path:
    if "://" not in line:
        return Path(line)
    url = urlparse(line)
    if url.scheme != "file":
        raise ValueError(f"{list_file}:{number}: {line!r} is a {url.scheme}:// URL; expected a local path or "
                         "a file:// URL of an already-downloaded file (qmetl does not fetch)")
    return Path(unquote(url.path))


def parse_since(value: str) -> datetime:
    """``YYYY-MM-DD`` or an ISO date-time (naive = UTC) into an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"--since {value!r}: expected a date like 2020-09-01 or 2020-09-01T08:00") from None
    if isinstance(parsed, date) and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def modified_since(files: Iterable[Path], since: datetime | None) -> tuple[list[Path], list[Path]]:
    """Split ``files`` into (modified at or after ``since``, older); everything is new without ``since``."""
    files = list(files)
    if since is None:
        return files, []
    cutoff = since.timestamp()
    new = [f for f in files if f.stat().st_mtime >= cutoff]
    return new, [f for f in files if f.stat().st_mtime < cutoff]


def walk(root: Path) -> list[Path]:
    """Wanted files under ``root`` (symbolic links not followed), and the folders that could not be listed."""
    out: list[Path] = []

    def unreadable(exc: OSError) -> None:
        if exc.filename is not None:
            folder = Path(os.fsdecode(exc.filename))
            if folder != root and not _hidden(folder, root):
                out.append(folder)

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "~$")))
        out += [base / n for n in names if _wanted(base / n, root)]
    return sorted(out, key=str)


def _hidden(f: Path, root: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in f.relative_to(root).parts)


def _wanted(f: Path, root: Path) -> bool:
    if not f.is_file() or f.is_symlink():
        return False
    rel = f.relative_to(root).parts
    return not any(part.startswith((".", "~$")) for part in rel) and f.name not in SKIP_NAMES
