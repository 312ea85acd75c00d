"""reward delivery: how each reward is delivered; what a contributor gave Stripe to receive it,
and how they want to appear among the supporters

Revision ID: 0016_reward_delivery
Revises: 0015_postgres_search_index
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_reward_delivery"
down_revision: str | None = "0015_postgres_search_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLEDGE_COLUMNS = (
    sa.Column("contact_email", sa.String(320), nullable=True),
    sa.Column("contact_name", sa.String(256), nullable=True),
    sa.Column("shipping_name", sa.String(256), nullable=True),
    sa.Column("shipping_address", sa.JSON(), nullable=True),
    # Rows from before this revision never chose: they stay anonymous, the safe reading.
    sa.Column("supporter_display", sa.String(24), nullable=False, server_default="anonymous"),
    sa.Column("supporter_nickname", sa.String(64), nullable=True),
    sa.Column("personal_data_erased_at", sa.DateTime(timezone=True), nullable=True),
)


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild on SQLite): the search triggers of 0007 stay.
    # Existing rewards said nothing of delivery: "handed over" promises the least.
    op.add_column(
        "reward_tiers",
        sa.Column("delivery_mode", sa.String(24), nullable=False, server_default="in_person"),
    )
    op.add_column("reward_tiers", sa.Column("shipping_countries", sa.String(64), nullable=True))
    for column in PLEDGE_COLUMNS:
        op.add_column("pledges", column)


def downgrade() -> None:
    for column in reversed(PLEDGE_COLUMNS):
        op.drop_column("pledges", column.name)
    op.drop_column("reward_tiers", "shipping_countries")
    op.drop_column("reward_tiers", "delivery_mode")
