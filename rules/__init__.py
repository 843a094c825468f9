"""Rules of Chinese official documents shared by every stage, each in one home.

numerals (on cn2an), numbering markers, dates, document numbers and body-name endings.
Imports only ``schemas`` (and the standard library / cn2an): extractors and normalizers
call these, never the other way round.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def fingerprint() -> str:
    """Short hash of the rules' code and data: part of the normalizer version, so an edit of a
    rule the normalizers call makes `qmetl renormalize` redo them."""
    digest = hashlib.sha256()
    for path in sorted([*_HERE.glob("*.py"), *(_HERE / "data").glob("*")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]
