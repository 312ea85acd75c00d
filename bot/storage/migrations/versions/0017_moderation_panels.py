"""moderation panels: each submission's snapshot and claim, and the panel messages sent for it

Revision ID: 0017_moderation_panels
Revises: 0016_reward_delivery
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_moderation_panels"
down_revision: str | None = "0016_reward_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables rather than columns on `projects`: that table stays as the wizard writes it.
    op.create_table(
        "moderation_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        # The reviewable fields as submitted, to show what a resubmission changed.
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("claimed_by", sa.BigInteger(), nullable=True),
        sa.Column("claimed_by_name", sa.String(128), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_moderation_submissions_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_submissions"),
    )
    op.create_index(
        "ix_moderation_submissions_project_id", "moderation_submissions", ["project_id"]
    )
    op.create_table(
        "moderation_panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        # Whether the message carries the decision buttons (the last of a panel does).
        sa.Column("has_buttons", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("is_caption", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["moderation_submissions.id"],
            name="fk_moderation_panels_submission_id_moderation_submissions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_moderation_panels"),
    )
    op.create_index("ix_moderation_panels_submission_id", "moderation_panels", ["submission_id"])


def downgrade() -> None:
    op.drop_index("ix_moderation_panels_submission_id", table_name="moderation_panels")
    op.drop_table("moderation_panels")
    op.drop_index("ix_moderation_submissions_project_id", table_name="moderation_submissions")
    op.drop_table("moderation_submissions")
