"""notice parts: a notice page or document and the attachment files that complete it

Revision ID: 0126
Revises: 0100
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0126"
down_revision: Union[str, Sequence[str], None] = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_parts",
        sa.Column("part_file_id", sa.Integer(), sa.ForeignKey("source_files.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("notice_file_id", sa.Integer(), sa.ForeignKey("source_files.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, comment="order of the part in its notice (附件1, 附件2, …)"),
        sa.Column("label", sa.String(40), nullable=True, comment="附件1 as the name gives it"),
        comment="attachments of a notice: the page or document file and the files that complete it",
    )
    op.create_index("ix_notice_parts_notice_file_id", "notice_parts", ["notice_file_id"])


def downgrade() -> None:
    op.drop_index("ix_notice_parts_notice_file_id", table_name="notice_parts")
    op.drop_table("notice_parts")
