"""update inbox: a webhook update's JSON is kept, leased, until its handlers have run

Revision ID: 0011_update_inbox
Revises: 0010_pledge_ledger
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_update_inbox"
down_revision: str | None = "0010_pledge_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNHANDLED = sa.text("handled_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("takeovers", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
    # The ids recorded before this revision were queued as they came: count them as handled.
    op.execute("UPDATE telegram_updates SET handled_at = received_at")
    op.create_index(
        "ix_telegram_updates_unhandled",
        "telegram_updates",
        ["update_id"],
        unique=False,
        sqlite_where=UNHANDLED,
        postgresql_where=UNHANDLED,
    )


def downgrade() -> None:
    op.drop_index("ix_telegram_updates_unhandled", table_name="telegram_updates")
    with op.batch_alter_table("telegram_updates", schema=None) as batch_op:
        batch_op.drop_column("handled_at")
        batch_op.drop_column("takeovers")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("payload")
