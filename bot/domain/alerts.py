"""Launch alerts: what someone asked to hear of, and their list."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.core import Category, Departement


@dataclass(frozen=True)
class AlertTarget:
    """What a launch alert watches: catalogue filters (a new project must match every one set:
    "Culture in Finistère" is culture projects of Finistère), or the next project of an owner."""

    category: Category | None = None
    departement: Departement | None = None
    commune: str | None = None  # the official French name, as projects store it
    owner_id: int | None = None
    owner_name: str = ""  # how the bot names the owner (their first name), for the owner kind

    @property
    def key(self) -> str:
        """One alert per user and key: the same target asked twice is one alert."""
        if self.owner_id is not None:
            return f"owner:{self.owner_id}"
        parts = (self.category or "-", self.departement or "-", self.commune or "-")
        return "place:" + "|".join(parts)

    @property
    def empty(self) -> bool:
        return self.owner_id is None and not (self.category or self.departement or self.commune)


@dataclass(frozen=True)
class LaunchAlert:
    id: int
    target: AlertTarget


@dataclass(frozen=True)
class AlertPage:
    """A page of a user's launch alerts in /settings."""

    alerts: list[LaunchAlert]
    page: int
    pages: int
    total: int
    first: int = 1  # the number of the page's first alert in the whole list
