"""connected chats: groups and channels where a project's card and live progress are posted

Revision ID: 0023_connected_chats
Revises: 0022_partner_matches
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_connected_chats"
down_revision: str | None = "0022_partner_matches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{referred}.id"],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "connected_chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("cross_post_news", sa.Boolean(), nullable=False),
        sa.Column("pin_progress", sa.Boolean(), nullable=False),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_shown", sa.String(64), nullable=True),
        sa.Column("progress_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("connected_by", sa.BigInteger(), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        _fk("connected_chats", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connected_chats")),
        sa.UniqueConstraint("chat_id", name="uq_connected_chats_chat_id"),
    )
    op.create_index(
        op.f("ix_connected_chats_project_id"), "connected_chats", ["project_id"], unique=False
    )
    op.create_table(
        "chat_invites",
        sa.Column("token", sa.String(32), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _fk("chat_invites", "project_id", "projects"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_chat_invites")),
    )
    op.create_index(op.f("ix_chat_invites_owner_id"), "chat_invites", ["owner_id"], unique=False)
    op.create_table(
        "chat_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connected_chat_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        _fk("chat_posts", "connected_chat_id", "connected_chats"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_posts")),
        sa.UniqueConstraint("dedupe_key", name="uq_chat_posts_dedupe_key"),
    )
    op.create_index("ix_chat_posts_status", "chat_posts", ["status"], unique=False)
    op.create_table(
        "chat_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connected_chat_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("chat_visits", "connected_chat_id", "connected_chats"),
        _fk("chat_visits", "project_id", "projects"),
        _fk("chat_visits", "visitor_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_visits")),
        sa.UniqueConstraint("connected_chat_id", "visitor_id", name="uq_chat_visit"),
    )


def downgrade() -> None:
    op.drop_table("chat_visits")
    op.drop_index("ix_chat_posts_status", table_name="chat_posts")
    op.drop_table("chat_posts")
    op.drop_index(op.f("ix_chat_invites_owner_id"), table_name="chat_invites")
    op.drop_table("chat_invites")
    op.drop_index(op.f("ix_connected_chats_project_id"), table_name="connected_chats")
    op.drop_table("connected_chats")
