"""pledge ledger: what Stripe charged and refunded, random idempotency keys, one open checkout

Revision ID: 0010_pledge_ledger
Revises: 8b2e4c6a9d10
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_pledge_ledger"
down_revision: str | None = "8b2e4c6a9d10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkout_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("refund_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("amount_charged_cents", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.add_column(
            sa.Column("amount_refunded_cents", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("anomaly", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("reward_sold_out", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("open_checkout_slot", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_pledges_open_checkout_slot"), ["open_checkout_slot"]
        )
    with op.batch_alter_table("stripe_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=255), nullable=True))
    # Pledges counted before this revision were charged their own amount, in euros.
    op.execute(
        "UPDATE pledges SET amount_charged_cents = amount_cents, currency = 'eur' "
        "WHERE status IN ('paid', 'refund_pending', 'refunded')"
    )
    op.execute("UPDATE pledges SET amount_refunded_cents = amount_cents WHERE status = 'refunded'")


def downgrade() -> None:
    with op.batch_alter_table("stripe_events", schema=None) as batch_op:
        batch_op.drop_column("outcome")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_pledges_open_checkout_slot"), type_="unique")
        batch_op.drop_column("open_checkout_slot")
        batch_op.drop_column("reward_sold_out")
        batch_op.drop_column("anomaly")
        batch_op.drop_column("amount_refunded_cents")
        batch_op.drop_column("currency")
        batch_op.drop_column("amount_charged_cents")
        batch_op.drop_column("refund_key")
        batch_op.drop_column("checkout_key")
