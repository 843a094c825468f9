"""analyst views (issue 9): v_documents, v_activities, v_activity_organizers, v_campaigns,
v_organizations_history; on PostgreSQL also view and column comments.

The view SQL is data in loaders.views (as of this revision: loaders.views_0100); this revision only replays it. A later revision that
recreates a table the views read (SQLite batch mode) wraps it in drop_views / create_views.

Revision ID: 0100
Revises: 0003
"""
from typing import Sequence, Union

from alembic import op

from loaders.views import create_views, drop_views
from loaders.views_0100 import VIEWS_0100

revision: str = "0100"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_views(op, VIEWS_0100)  # the views of this revision's schema (0124 replaces v_documents)


def downgrade() -> None:
    drop_views(op)
