"""gazetteer: every commune of the five départements; projects re-indexed with Breton variants

Stored projects' search text gets both names of their commune and Breton spelling variants.

Revision ID: 0019_gazetteer
Revises: 0018_tier_messages
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.search.text import project_search_fields

revision: str = "0019_gazetteer"
down_revision: str | None = "0018_tier_messages"
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
    # The search text now holds the commune's Breton name and former communes' names from the
    # gazetteer, folded with c'h as ch and zh as z (bot/search/folding.py): rebuilt for every
    # stored project, as 0013 did. An UPDATE of search_text: SQLite's triggers of 0007 keep the
    # full-text index in step. No translation exists yet at this revision (0020 adds them).
    connection = op.get_bind()
    columns = (_projects.c.id, _projects.c.title, _projects.c.summary, _projects.c.commune)
    rows = connection.execute(sa.select(*columns, _projects.c.departement)).all()
    for project_id, title, summary, commune, departement in rows:
        search_title, search_text = project_search_fields(
            title or "", summary or "", commune, departement
        )
        connection.execute(
            _projects.update()
            .where(_projects.c.id == project_id)
            .values(search_title=search_title, search_text=search_text)
        )


def downgrade() -> None:
    # Nothing to undo in the schema. The search text stays as rebuilt: the previous revision's
    # code rewrites a project's search text whenever the project is saved, and until then its
    # searches still find every word but those spelt with c'h or zh.
    pass
