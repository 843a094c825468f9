"""documents.region_source (issue 22)

Where a notice's region came from — its issuer, its doc-number prefix, its title or the region
names of its text — stored with the region and exported next to it. Plain ADD COLUMN.

Revision ID: 0122
Revises: 0124
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from loaders.views import create_views, drop_views

revision: str = "0122"
down_revision: Union[str, Sequence[str], None] = "0124"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("region_source", sa.String(length=20), nullable=True,
                                         comment="where the region came from: issuer, doc_number, title or text"))


def downgrade() -> None:
    drop_views(op)  # SQLite rebuilds the table to drop a column: the views that read it go first
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("region_source")
    create_views(op)
