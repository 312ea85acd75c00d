"""What the project queries do differently on SQLite: a full-text index and a planner hint.

Searching: on SQLite, `projects_search` is an FTS5 table over `projects.search_text` (external
content: it stores only the index, the text stays in `projects`). Migration 0007 creates it with
the triggers that keep it in sync on INSERT, DELETE and UPDATE OF search_text, and fills it. A
migration that rebuilds `projects` on SQLite (batch mode "move and copy") drops those triggers
with the old table: it must create them again.

PostgreSQL has no such table: searches there keep the LIKE conditions on `search_text` (a
`pg_trgm` GIN index on it is the production next step; the migrations create no extension).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnExpressionArgument, Select, column, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

_T = TypeVar("_T")

SEARCH_INDEX = "projects_search"
# The virtual table's rowid is the project's id; its hidden column named after the table is
# what MATCH is applied to.
_search_index = table(SEARCH_INDEX, column("rowid"), column(SEARCH_INDEX))


def not_search_index(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's `include_name` hook: skip the FTS5 table and its shadow tables
    (`projects_search_data`, `_idx`, `_docsize`, `_config`). A migration makes them with raw
    SQL and the models do not describe them: autogenerate must neither drop nor compare them."""
    is_index = name == SEARCH_INDEX or (name or "").startswith(f"{SEARCH_INDEX}_")
    return not (type_ == "table" and is_index)


def match_query(terms: Sequence[str]) -> str:
    """FTS5 query for projects holding words that begin with every term: `"fest"* AND "noz"*`.

    Stored text and terms are folded alike to `[a-z0-9' ]` (bot/search/text.py), and the index
    tokenizes on everything but letters, digits and the apostrophe of c'h: a token is a word of
    `search_text`, and a prefix query on it is what `LIKE '% term%'` does on PostgreSQL.
    """
    return " AND ".join('"{}"*'.format(term.replace('"', '""')) for term in terms)


def matching_ids(terms: Sequence[str]) -> Select[Any]:
    """The ids of the projects matching all the terms, from the full-text index (SQLite only)."""
    return select(_search_index.c.rowid).where(
        _search_index.c[SEARCH_INDEX].match(match_query(terms))
    )


class unindexed(FunctionElement[_T]):
    """`column`, written so that SQLite's planner will not use an index for its condition.

    On SQLite this renders `+column` (unary plus: same value, but no longer a bare column, so
    no index range on it is considered); on other databases, the plain column. Use it when a
    range condition would make SQLite pick the range's index and then sort every match, where
    walking the sort's index and filtering on the way reads only one page of rows.
    """

    inherit_cache = True

    def __init__(self, expression: ColumnExpressionArgument[_T]) -> None:
        super().__init__(expression)
        (argument,) = self.clauses
        self.type = argument.type  # values compared with it are bound as the column's type


@compiles(unindexed)
def _plain_column(element: unindexed[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unindexed, "sqlite")
def _unary_plus(element: unindexed[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.clauses, **kw)
