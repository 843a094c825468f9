"""notice identity (issue 24): which documents are one notice, by content, never by file name

Adds documents.notice_id / notice_match / fingerprint (loaders.notices decides them), recreates the
analyst views on them (v_documents groups by notice_id; new v_notice_files lists every file of a
notice as representative, variant or identical copy). Documents already stored are grouped by the
next qmetl command (pipeline.run.prepare_store), with the ORM of the code that runs it.
Plain ADD COLUMN on upgrade; the downgrade rebuilds documents, so the views go first.

Revision ID: 0124
Revises: 0123
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from loaders.views import create_views, drop_views
from loaders.views_0100 import VIEWS_0100

revision: str = "0124"
down_revision: Union[str, Sequence[str], None] = "0123"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("documents", sa.Column(
        "notice_id", sa.String(length=40), nullable=True,
        comment="the notice this document is (loaders.notices): the smallest document id among the files carrying it"))
    op.add_column("documents", sa.Column(
        "notice_match", sa.String(length=20), nullable=True,
        comment="how it joined its notice: first / identical / doc_number / text / title"))
    op.add_column("documents", sa.Column(
        "fingerprint", sa.JSON(), nullable=True,
        comment="bottom-k sketch of the text's 4-gram hashes (notice identity)"))
    op.create_index("ix_documents_notice_id", "documents", ["notice_id"], unique=False)
    create_views(op)  # documents stored before are grouped by the next command (pipeline.run.prepare_store)


def downgrade() -> None:
    drop_views(op)  # SQLite rebuilds the table to drop columns: the views that read it go first
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_notice_id")
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("notice_match")
        batch_op.drop_column("notice_id")
    create_views(op, VIEWS_0100)
