"""What a notice is: one official document, however many files carry it (issue 24).

A notice is identified by its content, never by a file name. Two stored documents are the same
notice when (rules in order, the first that holds decides; see ``same_notice``):

1. ``identical``: their files have the same sha256 (a copy under another name) and the document
   sits at the same place in the file (top level, or the n-th embedded notice);
2. ``doc_number``: both carry the same 发文字号 — an issuing organ numbers each notice once;
3. ``text``: their texts (title, outline, activities) are nearly the same — the PDF, DOCX, OFD,
   HTML and scan of one notice, a layout variant — measured on character 4-grams
   (``Fingerprint``): estimated Jaccard ≥ ``JACCARD``, or containment ≥ ``CONTAINMENT`` with
   sizes within ``SIZE_RATIO`` (an OCR pass that lost rows), stricter for short texts;
4. ``title``: the same normalised title (≥ ``MIN_TITLE`` characters) and text containment ≥
   ``TITLE_CONTAINMENT``.

Every rule also needs the two to agree where both say something: year, level, region, and
on- or off-topic; two different doc numbers agree only on near-identical text (an OCR misread).
Sameness is transitive (connected components): a scan without a readable doc number joins its
notice through its text, the DOCX through the number. A notice's id is the smallest document id
in it; ``notice_match`` records how each document joined (``first`` for that one). Attachments
of one web page are separate files and stay separate notices unless their content says otherwise.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, undefer

from loaders.models import ActivityRow, Document, OutlineItemRow, SourceFile

SHINGLE = 4            # characters per shingle
SKETCH = 256           # smallest shingle hashes kept per document (bottom-k sketch)
BAND = 8               # documents sharing one of their BAND smallest distinctive hashes are compared
COMMON = 30            # a hash in more sketches than this is boilerplate, not a sign of one notice
JACCARD = 0.6
CONTAINMENT = 0.85
SIZE_RATIO = 0.4       # smaller / larger shingle count for the containment rule
SHORT = 120            # fewer shingles than this: only near-identical text counts
SHORT_JACCARD = 0.9
NUMBER_MISREAD_JACCARD = 0.75  # different doc numbers, yet this similar: one is misread
MIN_TITLE = 10
TITLE_CONTAINMENT = 0.5
MATCHES = ("first", "identical", "doc_number", "text", "title")
_NOT_TEXT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Fingerprint:
    size: int                    # distinct shingles of the text
    sketch: frozenset[int]       # the SKETCH smallest of their hashes

    def to_json(self) -> dict[str, Any]:
        return {"v": 1, "size": self.size, "sketch": sorted(self.sketch)}

    @staticmethod
    def from_json(data: dict[str, Any] | None) -> Fingerprint | None:
        if not data or data.get("v") != 1:
            return None
        return Fingerprint(int(data["size"]), frozenset(int(h) for h in data["sketch"]))


def normalise(text: str | None) -> str:
    """Letters, digits and CJK only (NFKC): layout, punctuation and spacing do not tell notices apart."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text or ""))


def fingerprint(texts: Iterable[str | None]) -> Fingerprint:
    hashes: set[int] = set()
    for text in texts:
        s = normalise(text)
        hashes.update(zlib.crc32(s[i:i + SHINGLE].encode("utf-8")) for i in range(max(len(s) - SHINGLE + 1, 0)))
    return Fingerprint(len(hashes), frozenset(sorted(hashes)[:SKETCH]))


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two shingle sets (bottom-k estimator)."""
    if not a.size or not b.size:
        return 0.0
    union = sorted(a.sketch | b.sketch)[:SKETCH]
    both = sum(1 for h in union if h in a.sketch and h in b.sketch)
    return both / len(union)


def containment(a: Fingerprint, b: Fingerprint, j: float | None = None) -> float:
    """Estimated share of the smaller text's shingles found in the larger one."""
    j = jaccard(a, b) if j is None else j
    small = min(a.size, b.size)
    return 0.0 if not small else min(1.0, j * (a.size + b.size) / (1 + j) / small)


@dataclass(frozen=True)
class Member:
    """One stored document as the identity rules see it."""

    id: str
    sha256: str
    position: int
    doc_number: str | None
    title: str | None
    year: int | None
    level: str | None
    region: str | None
    off_topic: bool
    fp: Fingerprint


def _agree(a: object, b: object) -> bool:
    return a in (None, "") or b in (None, "") or a == b


def compatible(a: Member, b: Member) -> bool:
    return (a.off_topic == b.off_topic and _agree(a.year, b.year) and _agree(a.level, b.level)
            and _agree(a.region, b.region))


def similar_text(a: Fingerprint, b: Fingerprint) -> bool:
    j = jaccard(a, b)
    if min(a.size, b.size) < SHORT:
        return j >= SHORT_JACCARD
    ratio = min(a.size, b.size) / max(a.size, b.size)
    return j >= JACCARD or (ratio >= SIZE_RATIO and containment(a, b, j) >= CONTAINMENT)


def same_notice(a: Member, b: Member) -> str | None:
    """How ``a`` and ``b`` are one notice (a MATCHES name), or None when they are two."""
    if a.sha256 == b.sha256 and a.position == b.position:
        return "identical"
    if not compatible(a, b):
        return None
    if a.doc_number and b.doc_number:
        if a.doc_number == b.doc_number:
            return "doc_number"
        return "text" if jaccard(a.fp, b.fp) >= NUMBER_MISREAD_JACCARD else None
    if similar_text(a.fp, b.fp):
        return "text"
    ta, tb = normalise(a.title), normalise(b.title)
    if len(ta) >= MIN_TITLE and ta == tb and containment(a.fp, b.fp) >= TITLE_CONTAINMENT:
        return "title"
    return None


def candidate_pairs(members: Sequence[Member]) -> set[tuple[int, int]]:
    """Index pairs worth comparing: same file content, doc number, title, or a shared low shingle hash
    in the same (or an unknown) year — never all pairs. Hashes most sketches hold (boilerplate every
    notice of a template says) are skipped: they would make every pair a candidate."""
    buckets: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    years: set[int | None] = {m.year for m in members if m.year is not None} or {None}
    df: dict[int, int] = defaultdict(int)
    for m in members:
        for h in m.fp.sketch:
            df[h] += 1
    for i, m in enumerate(members):
        buckets[("sha", m.sha256)].append(i)
        if m.doc_number:
            buckets[("no", m.doc_number)].append(i)
        if len(normalise(m.title)) >= MIN_TITLE:
            buckets[("title", normalise(m.title))].append(i)
        for h in sorted(h for h in m.fp.sketch if df[h] <= COMMON)[:BAND]:  # no year: compared in every year
            for y in ([m.year] if m.year is not None else years):
                buckets[("h", y, h)].append(i)
    pairs: set[tuple[int, int]] = set()
    for idx in buckets.values():
        pairs.update(combinations(sorted(set(idx)), 2))
    return pairs


def group(members: Sequence[Member]) -> dict[str, tuple[str, str]]:
    """document id → (notice id, how it joined): connected components of ``same_notice``."""
    parent = list(range(len(members)))
    how: dict[int, str] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in sorted(candidate_pairs(members)):
        ri, rj = root(i), root(j)
        if ri == rj:
            continue
        match = same_notice(members[i], members[j])
        if match:
            parent[max(ri, rj)] = min(ri, rj)
            how.setdefault(j, match)
            how.setdefault(i, match)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        components[root(i)].append(i)
    out: dict[str, tuple[str, str]] = {}
    for idx in components.values():
        notice = min(members[i].id for i in idx)
        seen: set[tuple[str, int]] = set()
        for i in sorted(idx, key=lambda k: members[k].id):
            m = members[i]
            copy = (m.sha256, m.position) in seen
            seen.add((m.sha256, m.position))
            out[m.id] = (notice, "first" if m.id == notice else "identical" if copy else how.get(i, "text"))
    return out


# --- the store ------------------------------------------------------------------------------------

def _texts(session: Session, ids: list[str]) -> dict[str, list[str | None]]:
    out: dict[str, list[str | None]] = defaultdict(list)
    for doc_id, text, body in session.execute(
            select(OutlineItemRow.document_id, OutlineItemRow.text, OutlineItemRow.body)
            .where(OutlineItemRow.document_id.in_(ids)).order_by(OutlineItemRow.document_id, OutlineItemRow.seq)):
        out[doc_id] += [text, body]
    for doc_id, project, content in session.execute(
            select(ActivityRow.document_id, ActivityRow.project, ActivityRow.content)
            .where(ActivityRow.document_id.in_(ids)).order_by(ActivityRow.document_id, ActivityRow.position)):
        out[doc_id] += [project, content]
    return out


def _fill_fingerprints(session: Session, docs: list[Document]) -> None:
    todo = [d for d in docs if Fingerprint.from_json(d.fingerprint) is None]
    for start in range(0, len(todo), 200):
        chunk = todo[start:start + 200]
        texts = _texts(session, [d.id for d in chunk])
        for d in chunk:
            d.fingerprint = fingerprint([d.title, d.theme, *texts.get(d.id, [])]).to_json()


def needs_regroup(session: Session) -> bool:
    current = session.scalar(select(func.count()).select_from(Document).join(SourceFile)
                             .where(Document.is_current.is_(True), Document.notice_id.is_(None),
                                    SourceFile.state.in_(("loaded", "off_topic"))))
    return bool(current)


def regroup_session(session: Session) -> int:
    """Recompute every current document's notice; returns how many documents changed notice."""
    rows = session.execute(
        select(Document, SourceFile.sha256).join(SourceFile, SourceFile.id == Document.source_file_id)
        .where(Document.is_current.is_(True), SourceFile.state.in_(("loaded", "off_topic")))
        .options(undefer(Document.fingerprint)).order_by(Document.id)).all()
    docs = [d for d, _ in rows]
    _fill_fingerprints(session, docs)
    members = [Member(d.id, sha, d.position, d.doc_number, d.title, d.year, d.level, d.region, bool(d.off_topic),
                      Fingerprint.from_json(d.fingerprint) or fingerprint([]))
               for d, sha in rows]
    groups = group(members)
    changed = 0
    for d in docs:
        notice, match = groups[d.id]
        if (d.notice_id, d.notice_match) != (notice, match):
            d.notice_id, d.notice_match = notice, match
            changed += 1
    session.execute(update(Document).where(Document.is_current.is_(False), Document.notice_id.is_not(None))
                    .values(notice_id=None, notice_match=None))
    return changed


def never_grouped(session: Session) -> bool:
    """Documents are stored and none has a notice yet: a store loaded before notice identity existed."""
    return (session.scalar(select(Document.id).where(Document.is_current.is_(True)).limit(1)) is not None
            and session.scalar(select(Document.id).where(Document.notice_id.is_not(None)).limit(1)) is None)


def regroup_notices(engine: Engine, force: bool = False, backfill: bool = False) -> int:
    """Group the store's current documents into notices when a document is new or changed (or ``force``,
    after withdrawals; with ``backfill``, only when no document was ever grouped); one transaction.
    Returns how many documents changed notice."""
    with Session(engine) as session, session.begin():
        if backfill:
            return regroup_session(session) if never_grouped(session) else 0
        if not force and not needs_regroup(session):
            return 0
        return regroup_session(session)


# --- what the commands show -------------------------------------------------------------------------

def notices_of_files(engine: Engine) -> dict[str, dict[str, Any]]:
    """source path → the notice its top-level document carries (v_notice_files): key, role, matched by,
    files of the notice; off-topic files are flagged, not given a notice."""
    sql = sql_text("SELECT f.source_path, f.notice_key, f.notice_id, f.role, f.matched_by, f.variants, f.off_topic, "
                   "v.title FROM v_notice_files f JOIN v_documents v ON v.notice_id = f.notice_id "
                   "WHERE f.position = 0")
    with engine.connect() as conn:
        return {r.source_path: {"notice": None if r.off_topic else _label(r.notice_key, r.notice_id, r.title),
                                "notice_id": r.notice_id,
                                "role": "off-topic" if r.off_topic else r.role,
                                "matched_by": r.matched_by, "files_of_notice": int(r.variants)}
                for r in conn.execute(sql)}


def _label(key: str, notice_id: str, title: str | None) -> str:
    """A notice as people name it: its doc number, else its title, else its id."""
    return key if key != notice_id else (title or notice_id)


def notice_counts(engine: Engine) -> dict[str, int]:
    """Files loaded, notices they carry (top level, embedded, off-topic files apart)."""
    sql = sql_text("""SELECT
        (SELECT COUNT(*) FROM source_files WHERE state = 'loaded') AS files,
        (SELECT COUNT(*) FROM v_documents WHERE NOT off_topic AND parent_document_id IS NULL) AS notices,
        (SELECT COUNT(*) FROM v_documents WHERE NOT off_topic AND parent_document_id IS NOT NULL) AS embedded,
        (SELECT COUNT(*) FROM source_files WHERE state = 'off_topic') AS off_topic""")
    with engine.connect() as conn:
        row = conn.execute(sql).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}
