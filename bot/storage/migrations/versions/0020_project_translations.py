"""project translations: a project's title and summary in its other language

Revision ID: 0020_project_translations
Revises: 0019_gazetteer
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_project_translations"
down_revision: str | None = "0019_gazetteer"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # At most one row a project: its title and summary in the language it was not written in.
    # No project has one yet, so no search text needs rebuilding.
    op.create_table(
        "project_translations",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(2), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("summary", sa.String(280), nullable=False),
        sa.CheckConstraint(
            "locale IN ('fr', 'br')", name="ck_project_translations_translation_locale"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_project_translations_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name="pk_project_translations"),
    )


def downgrade() -> None:
    op.drop_table("project_translations")
