"""The statements of a catalogue list: its count and its pages, built once per shape.

Building a statement cost more than running it, so each shape's statements are kept (an LRU
per kind of statement) and only bound to their values when they run.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from bot.catalogue.shapes import Shape, conditions, ordering
from bot.catalogue.texts import in_breton, title_for_reader
from bot.matching.queries import matched_of
from bot.storage.models import Project
from bot.storage.sql import table_of

_projects = table_of(Project).c
# What a line of a list shows (bot.services.catalogue.ProjectSummary); a card adds to it. The
# title is the reader's (`bot.catalogue.texts`: bind `locale`).
SUMMARY_COLUMNS = (
    _projects.id, title_for_reader(), _projects.commune, _projects.departement, _projects.category,
    _projects.status, _projects.raised_cents, _projects.goal_cents, _projects.contributors_count,
    _projects.ends_at, _projects.photo_file_id, in_breton(),
    # What a partner's match adds (bot/matching/queries.py): progress counts it.
    matched_of(_projects.id).label("matched_cents"),
)  # fmt: skip

# Shapes kept: 64 without search terms, the rest for the searches typed most recently.
SHAPES_KEPT = 256


@functools.lru_cache(maxsize=SHAPES_KEPT)
def count_statement(shape: Shape) -> Select[int]:
    # count(*), not count(id): PostgreSQL then counts from the filter's index alone.
    statement = select(func.count()).select_from(table_of(Project))
    return statement.where(*conditions(shape, paging=False))


@functools.lru_cache(maxsize=SHAPES_KEPT)
def page_statement(shape: Shape, with_total: bool) -> Select[*tuple[Any, ...]]:
    """A page's rows (`SUMMARY_COLUMNS`), or only their ids (`Shape.ids_first`); with
    `with_total`, each row also carries the number of matches (`total`), counted once."""
    columns: tuple[Any, ...] = (_projects.id,) if shape.ids_first else SUMMARY_COLUMNS
    if with_total and shape.sorts_every_match and shape.window_total:
        # Every match goes through the sort anyway: count them on the way, in the same scan.
        columns += (func.count().over().label("total"),)
    elif with_total:
        # The page's rows come first from an index: a count of its own, from the filter's index.
        columns += (count_statement(shape).scalar_subquery().label("total"),)
    return (
        select(*columns)
        .where(*conditions(shape, paging=True))
        .order_by(*ordering(shape), _projects.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


# The projects of a page whose ids came first (`Shape.ids_first`), whatever its shape.
SUMMARIES = select(*SUMMARY_COLUMNS).where(_projects.id.in_(bindparam("ids", expanding=True)))
