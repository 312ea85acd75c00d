"""The search indexes that migrations make with raw SQL, and that the models do not describe.

- SQLite: `projects_search`, an FTS5 table over `projects.search_text` (migration 0007, see
  bot/search/sqlite_fts.py), with its shadow tables and triggers.
- PostgreSQL: `ix_projects_search_text_trigram`, a `pg_trgm` GIN index on the same column
  (migration 0015). `search_text` is folded already (bot/search/text.py), so the index serves
  the catalogue's `search_text LIKE '% term%'` conditions as they are: the same word-prefix
  matches as SQLite's full-text index, found without reading every live project's text.

SQLAlchemy cannot describe either for one engine only in a way Alembic's autogenerate honours,
so autogenerate (and tests/integration/test_migrations.py) skips them by name.
"""

from __future__ import annotations

SEARCH_INDEX = "projects_search"
TRIGRAM_INDEX = "ix_projects_search_text_trigram"


def not_search_index(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's `include_name` hook: skip the FTS5 table and its shadow tables
    (`projects_search_data`, `_idx`, `_docsize`, `_config`) and the trigram index, so that
    autogenerate neither drops them nor compares them with the models."""
    if type_ == "index":
        return name != TRIGRAM_INDEX
    is_fts = name == SEARCH_INDEX or (name or "").startswith(f"{SEARCH_INDEX}_")
    return not (type_ == "table" and is_fts)
