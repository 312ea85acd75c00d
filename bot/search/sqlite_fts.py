"""What the project queries do differently on SQLite: a full-text index and a planner hint.

Searching: on SQLite, `projects_search` is an FTS5 table over `projects.search_text` (external
content: it stores only the index, the text stays in `projects`). Migration 0007 creates it with
the triggers that keep it in sync on INSERT, DELETE and UPDATE OF search_text, and fills it. A
migration that rebuilds `projects` on SQLite (batch mode "move and copy") drops those triggers
with the old table: it must create them again.

PostgreSQL has no such table: searches there keep the LIKE conditions on `search_text`, which
a `pg_trgm` GIN index serves (migration 0015, bot/search/indexes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnExpressionArgument, Select, column, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.search.indexes import SEARCH_INDEX

_T = TypeVar("_T")

# The virtual table's rowid is the project's id; its hidden column named after the table is
# what MATCH is applied to.
_search_index = table(SEARCH_INDEX, column("rowid"), column(SEARCH_INDEX))


def match_query(terms: Sequence[str]) -> str:
    """FTS5 query for projects holding words that begin with every term: `"fest"* AND "noz"*`.

    Stored text and terms are folded alike to `[a-z0-9 ]` (bot/search/folding.py), and the
    index tokenizes on everything but letters and digits (and the apostrophe, which folded text
    no longer holds): a token is a word of `search_text`, and a prefix query on it is what
    `LIKE '% term%'` does on PostgreSQL.
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
