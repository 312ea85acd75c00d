"""partner matches: a partner completing or matching a live project's funding by a rule

Revision ID: 0022_partner_matches
Revises: 0021_launch_alerts
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_partner_matches"
down_revision: str | None = "0021_launch_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = "confirmed_at IS NOT NULL AND withdrawn_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "partner_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("partner_name", sa.String(length=80), nullable=True),
        sa.Column("rule", sa.String(length=24), nullable=True),
        sa.Column("threshold_percent", sa.Integer(), nullable=True),
        sa.Column("cap_cents", sa.BigInteger(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("matched_cents", sa.BigInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "matched_cents >= 0", name="ck_partner_matches_matched_not_negative"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"],
            name="fk_partner_matches_project_id_projects", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_partner_matches"),
    )  # fmt: skip
    op.create_index("ix_partner_matches_project_id", "partner_matches", ["project_id"])
    op.create_index(
        "uq_partner_matches_one_active", "partner_matches", ["project_id"], unique=True,
        sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("uq_partner_matches_one_active", table_name="partner_matches")
    op.drop_index("ix_partner_matches_project_id", table_name="partner_matches")
    op.drop_table("partner_matches")
