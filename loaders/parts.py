"""The notice_parts links: which stored files are attachments of which notice file."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from loaders.models import NoticePart, SourceFile


def replace_parts(engine: Engine, paths: list[str], links: dict[str, tuple[str, int, str | None]]) -> int:
    """Make the links of the files in ``paths`` exactly ``links`` ({part path: (notice path, position,
    label)}); files not in the store are ignored. The number of links stored."""
    with Session(engine) as session, session.begin():
        ids = dict(session.execute(select(SourceFile.path, SourceFile.id).where(SourceFile.path.in_(paths))).all())
        if not ids:
            return 0
        session.execute(delete(NoticePart).where(NoticePart.part_file_id.in_(list(ids.values()))))
        rows = [NoticePart(part_file_id=ids[part], notice_file_id=ids[notice], position=pos, label=label)
                for part, (notice, pos, label) in sorted(links.items()) if part in ids and notice in ids]
        session.add_all(rows)
        return len(rows)
