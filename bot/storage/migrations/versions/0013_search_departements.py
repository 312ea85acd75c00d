"""search: a project's search text holds its département's names, in French and in Breton

Revision ID: 0013_search_departements
Revises: 0012_wizard_live_messages
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.search.text import project_search_fields

revision: str = "0013_search_departements"
down_revision: str | None = "0012_wizard_live_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_projects = sa.table(
    "projects",
    sa.column("id", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("commune", sa.Text),
    sa.column("departement", sa.String),
    sa.column("search_title", sa.Text),
    sa.column("search_text", sa.Text),
)


def upgrade() -> None:
    # An UPDATE of search_text: SQLite's triggers of 0007 keep the full-text index in step.
    _reindex(with_departement=True)


def downgrade() -> None:
    _reindex(with_departement=False)


def _reindex(*, with_departement: bool) -> None:
    connection = op.get_bind()
    columns = (_projects.c.id, _projects.c.title, _projects.c.summary, _projects.c.commune)
    rows = connection.execute(sa.select(*columns, _projects.c.departement)).all()
    for project_id, title, summary, commune, departement in rows:
        search_title, search_text = project_search_fields(
            title or "", summary or "", commune, departement if with_departement else None
        )
        connection.execute(
            _projects.update()
            .where(_projects.c.id == project_id)
            .values(search_title=search_title, search_text=search_text)
        )
