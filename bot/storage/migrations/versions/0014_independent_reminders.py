"""independent reminders: muting the news no longer mutes the "48 h left" reminders

Revision ID: 0014_independent_reminders
Revises: 0013_search_departements
Create Date: 2026-12-10
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_independent_reminders"
down_revision: str | None = "0013_search_departements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Until now "couper les nouvelles" silenced the reminders too. Those who chose it keep
    # receiving neither: their reminders switch is turned off to match what they had.
    op.execute(
        "UPDATE users SET reminders_muted = notifications_muted "
        "WHERE notifications_muted AND NOT reminders_muted"
    )


def downgrade() -> None:
    # Nothing to undo: muted news silenced the reminders anyway before this revision.
    pass
