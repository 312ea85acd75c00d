"""tier messages: an owner's message to the contributors of one reward is a news post that names
its reward (and stays out of the project's public news)

Revision ID: 0018_tier_messages
Revises: 0017_moderation_panels
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_tier_messages"
down_revision: str | None = "0017_moderation_panels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table("news_posts") as batch:
        batch.add_column(sa.Column("reward_tier_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_news_posts_reward_tier_id_reward_tiers",
            "reward_tiers",
            ["reward_tier_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("news_posts") as batch:
        batch.drop_constraint("fk_news_posts_reward_tier_id_reward_tiers", type_="foreignkey")
        batch.drop_column("reward_tier_id")
