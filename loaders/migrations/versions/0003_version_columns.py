"""version columns wide enough for every reader

The extractor version names every registered reader (doc, docx, html, ofd, pdf+ocr, text)
and the normalizer version carries data-file hashes: together they outgrew 40 characters,
which PostgreSQL rejects (SQLite never checked). 200 characters leave room for more readers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 23:55:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = {
    "source_files": ("extractor_version", "normalizer_version"),
    "documents": ("extractor_version", "normalizer_version"),
    "outline_items": ("extractor_version",),
    "activities": ("extractor_version", "normalizer_version"),
}
NULLABLE = {"source_files"}


def _alter(old: int, new: int) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=old), type_=sa.String(length=new),
                                      existing_nullable=table in NULLABLE)


def upgrade() -> None:
    _alter(40, 200)


def downgrade() -> None:
    _alter(200, 40)
