"""launch alerts: people asking to hear of new projects in a category, a département, a commune
or by an owner they backed

Revision ID: 0021_launch_alerts
Revises: 0020_project_translations
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_launch_alerts"
down_revision: str | None = "0020_project_translations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "launch_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=True),
        sa.Column("departement", sa.String(length=24), nullable=True),
        sa.Column("commune", sa.String(length=80), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("target_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name="fk_launch_alerts_user_id_users", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"],
            name="fk_launch_alerts_owner_id_users", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_launch_alerts"),
        sa.UniqueConstraint("user_id", "target_key", name="uq_launch_alert"),
    )  # fmt: skip
    op.create_index("ix_launch_alerts_user_id", "launch_alerts", ["user_id"])
    op.create_index("ix_launch_alerts_owner_id", "launch_alerts", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_launch_alerts_owner_id", table_name="launch_alerts")
    op.drop_index("ix_launch_alerts_user_id", table_name="launch_alerts")
    op.drop_table("launch_alerts")
