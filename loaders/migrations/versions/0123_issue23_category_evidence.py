"""category evidence, confidence and overrides (issue 23)

Every activity keeps the evidence that decided its category and a confidence, plus a key of its
text; analysts' corrections live in category_overrides under that key and are applied at every
load, so they survive reruns and renormalization. Plain ADD COLUMN (no table rebuild): the
analyst views that read activities stay as they are.

Revision ID: 0123
Revises: 0126
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from loaders.views import create_views, drop_views
from loaders.views_0100 import VIEWS_0100

revision: str = "0123"
down_revision: Union[str, Sequence[str], None] = "0126"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("activities", sa.Column("category_confidence", sa.Float(), nullable=True,
                                          comment="0 = no evidence … 1 = one code only"))
    op.add_column("activities", sa.Column("category_evidence", sa.JSON(), nullable=True,
                                          comment="what decided the category: label words, cue words, priors, scores"))
    op.add_column("activities", sa.Column("category_key", sa.String(length=16), nullable=True,
                                          comment="key of the activity's text (category_overrides)"))
    op.create_index("ix_activities_category_key", "activities", ["category_key"], unique=False)
    op.create_table(
        "category_overrides",
        sa.Column("key", sa.String(length=16), nullable=False, comment="activities.category_key"),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("example", sa.Text(), nullable=True, comment="the activity's text when the override was made"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["category"], ["categories.code"]),
        sa.PrimaryKeyConstraint("key"),
        comment="analysts' category corrections, by activity text key; applied at every load",
    )


def downgrade() -> None:
    op.drop_table("category_overrides")
    drop_views(op)  # SQLite rebuilds the table to drop columns: the views that read it go first
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_category_key")
        batch_op.drop_column("category_key")
        batch_op.drop_column("category_evidence")
        batch_op.drop_column("category_confidence")
    create_views(op, VIEWS_0100)  # the views before 0124
