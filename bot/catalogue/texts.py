"""A project's title and summary in the reader's language: the one place that chooses them.

A project is written in one language and may carry its title and summary in the other one
(`ProjectTranslation`, at most one a project). The statements that show a project to a reader
select these expressions instead of the plain columns, with the reader's locale bound as
`locale`: the translation when it is in that language, else the project's own text. A statement
run without a locale shows the project's own text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, bindparam, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Project, ProjectTranslation
from bot.storage.sql import table_of

_projects = table_of(Project).c
_translations = table_of(ProjectTranslation).c


def _reader_locale() -> Any:
    return bindparam("locale", value=None, type_=String, required=False)


def _translated(name: str, locale: Any = None) -> Any:
    column = _translations[name]
    reader = _reader_locale() if locale is None else locale
    found = (
        select(column)
        .where(_translations.project_id == _projects.id, _translations.locale == reader)
        .scalar_subquery()
    )
    # A translation still being written in the wizard (its summary not given yet) is empty.
    return func.nullif(found, "")


def title_for_reader(locale: Any = None) -> Any:
    """The title a reader of `locale` reads, labelled `title`: the bound `locale`, or a column
    of the statement (the locale of the user a row is about, `users.locale`)."""
    return func.coalesce(_translated("title", locale), _projects.title).label("title")


def summary_for_reader() -> Any:
    """The summary a reader of `locale` reads, labelled `summary`."""
    return func.coalesce(_translated("summary"), _projects.summary).label("summary")


def in_breton() -> Any:
    """Whether the project can be read in Breton, labelled `in_breton`: with a translation, one
    of its two versions is Breton (the original, or the translation)."""
    return exists().where(_translations.project_id == _projects.id).label("in_breton")


async def title_in(session: AsyncSession, project_id: int, locale: str | None) -> str | None:
    """The project's title in `locale` where its owner gave one (None: read its own)."""
    if locale is None:
        return None
    title = await session.scalar(
        select(_translations.title).where(
            _translations.project_id == project_id, _translations.locale == locale
        )
    )
    return title or None
