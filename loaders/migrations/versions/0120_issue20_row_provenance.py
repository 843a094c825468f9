"""activities.provenance (issue 20, explainable rows)

Where a table activity was read from — its table, logical row, the physical rows (fragment,
page, row) and header → field of the columns it took (schemas.provenance.RowProvenance) —
stored with the activity and exported next to it; NULL for list activities. Plain ADD COLUMN.

Revision ID: 0120p
Revises: 0122
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from loaders.views import create_views, drop_views

revision: str = "0120p"
down_revision: Union[str, Sequence[str], None] = "0122"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("activities", sa.Column("provenance", sa.JSON(), nullable=True,
                                          comment="table activities: table, rows, pages and columns read"))


def downgrade() -> None:
    drop_views(op)  # SQLite rebuilds the table to drop a column: the views that read it go first
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("provenance")
    create_views(op)
