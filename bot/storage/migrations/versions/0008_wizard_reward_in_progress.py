"""wizard: the reward being written

Revision ID: 5d1f0a7c2e91
Revises: c6c9bc604a31
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1f0a7c2e91"
down_revision: str | None = "c6c9bc604a31"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on SQLite too (no table rebuild): the search triggers of 0007 stay.
    op.add_column("projects", sa.Column("wizard_tier", sa.JSON(), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops the column in place too: no rebuild, the triggers stay.
    op.drop_column("projects", "wizard_tier")
