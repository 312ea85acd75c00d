"""catalogue on PostgreSQL: a trigram index of the folded search text, ids in two indexes

SQLite searches through its FTS5 index (0007). PostgreSQL kept `search_text LIKE '% term%'`
and read every live project for it. `search_text` is already folded (no accents, lower case,
bot/search/text.py), so a `pg_trgm` GIN index on it serves those very LIKE conditions: the
matches stay exactly SQLite's, and no `unaccent` is needed.

Two catalogue indexes end with the project's id: (status, ends_at, id) and (status, ends_at,
raised_cents, goal_cents, id). SQLite's indexes hold the row's id anyway; PostgreSQL's need it as
a column to answer from the index alone (index-only scans) a count, the ids of a deep page in
"ending soon" order, or the "almost funded" sort (bench/README.md).

`pg_trgm` ships with PostgreSQL (Debian's `postgresql` package includes the contrib modules).
It is a trusted extension: a user with the CREATE privilege on the database (its owner has it)
may create it. Otherwise a superuser runs `CREATE EXTENSION pg_trgm` there once beforehand.

Revision ID: 0015_postgres_search_index
Revises: 0014_independent_reminders
Create Date: 2026-12-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_postgres_search_index"
down_revision: str | None = "0014_independent_reminders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out, not imported: a migration keeps doing what it did when it was written.
SEARCH_TEXT_INDEX = "ix_projects_search_text_trigram"
TRIGRAM_EXTENSION = "pg_trgm"
_ENDING = "ix_projects_status_ends_at"
_FUNDING = "ix_projects_status_ends_at_raised_goal"
_FUNDING_COLUMNS = ["status", "ends_at", "raised_cents", "goal_cents"]


def upgrade() -> None:
    _replace_index(_ENDING, ["status", "ends_at", "id"])
    _replace_index(_FUNDING, [*_FUNDING_COLUMNS, "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    _create_extension()
    op.execute(f"CREATE INDEX {SEARCH_TEXT_INDEX} ON projects USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX {SEARCH_TEXT_INDEX}")
    _replace_index(_FUNDING, _FUNDING_COLUMNS)
    _replace_index(_ENDING, ["status", "ends_at"])
    # The extension stays: other objects of the database may use it, and dropping it may need
    # rights the bot's user lacks.


def _replace_index(name: str, columns: list[str]) -> None:
    op.drop_index(name, table_name="projects")
    op.create_index(name, "projects", columns)


def _create_extension() -> None:
    connection = op.get_bind()
    installed = sa.text("SELECT 1 FROM pg_extension WHERE extname = :name")
    if connection.scalar(installed, {"name": TRIGRAM_EXTENSION}):
        return
    available = sa.text("SELECT 1 FROM pg_available_extensions WHERE name = :name")
    if not connection.scalar(available, {"name": TRIGRAM_EXTENSION}):
        raise RuntimeError(
            f"PostgreSQL lacks the {TRIGRAM_EXTENSION} extension that the catalogue's search "
            "index needs: install the server's contrib modules (on Debian they come with the "
            "`postgresql` package; elsewhere `postgresql-contrib`), then migrate again."
        )
    try:
        with connection.begin_nested():  # a savepoint: the failure leaves the migration usable
            connection.execute(sa.text(f"CREATE EXTENSION {TRIGRAM_EXTENSION}"))
    except sa.exc.DBAPIError as error:
        raise RuntimeError(
            f"The database user may not create the {TRIGRAM_EXTENSION} extension ({error.orig}). "
            f"Grant it CREATE on the database, or have a superuser run `CREATE EXTENSION "
            f"{TRIGRAM_EXTENSION};` in this database once, then migrate again."
        ) from error
