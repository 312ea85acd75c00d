"""checkout product: the product's name of a pledge's Checkout Session, fixed with its
idempotency key so that a retry sends the same parameters

Revision ID: 0024_checkout_product
Revises: 0023_connected_chats
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_checkout_product"
down_revision: str | None = "0023_connected_chats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: pledges opened before keep naming their product as they did.
    with op.batch_alter_table("pledges") as batch:
        batch.add_column(sa.Column("checkout_product", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pledges") as batch:
        batch.drop_column("checkout_product")
