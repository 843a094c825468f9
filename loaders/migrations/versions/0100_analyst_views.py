"""analyst views (issue 9): v_documents, v_activities, v_activity_organizers, v_campaigns,
v_organizations_history; on PostgreSQL also view and column comments.

The view SQL is data in loaders.views; this revision only replays it.

Revision ID: 0100
Revises: 0001
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from loaders.views import VIEWS, table_comment_statements, view_comment_statements

revision: str = "0100"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    bind = op.get_bind()
    for view in reversed(VIEWS):
        op.execute(view.drop_sql())
    for view in VIEWS:
        op.execute(view.create_sql())
    if bind.dialect.name == "postgresql":
        inspector = sa.inspect(bind)
        existing = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
        for statement in view_comment_statements() + table_comment_statements(existing):
            op.execute(statement)


def downgrade() -> None:
    for view in reversed(VIEWS):
        op.execute(view.drop_sql())
