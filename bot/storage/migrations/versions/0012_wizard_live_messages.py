"""wizard: the live preview and question are edited in place; a commune awaiting confirmation

Revision ID: 0012_wizard_live_messages
Revises: 0011_update_inbox
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_wizard_live_messages"
down_revision: str | None = "0011_update_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on SQLite too (no table rebuild): the search triggers of 0007 stay.
    op.add_column("projects", sa.Column("wizard_chat", sa.JSON(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops the column in place too: no rebuild, the triggers stay.
    op.drop_column("projects", "wizard_chat")
