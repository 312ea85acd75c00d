"""Strict reading of one TOML table: a missing key, a wrong type or an unknown key is an error.

`tomllib` gives untyped dictionaries. Reading them through `Fields` turns each value into the type
the catalogue expects, and names the table and key at fault, so a typo in projects.toml stops
`kengo-bot demo-data` with a clear message instead of loading a half-right catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import NoReturn, TypeVar

E = TypeVar("E", bound=StrEnum)


class CatalogueError(ValueError):
    """The demo catalogue is inconsistent: fix projects.toml."""


class Fields:
    """The keys of one table, each read once with its expected type."""

    def __init__(self, table: object, where: str) -> None:
        if not isinstance(table, Mapping):
            raise CatalogueError(f"{where}: expected a table")
        self._table: Mapping[str, object] = table
        self._unread = set(table)
        self.where = where  # for messages: "projects[3].tiers[1]"

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, message: str) -> NoReturn:
        raise CatalogueError(f"{self.where}: {message}" if self.where else message)

    def done(self) -> None:
        """Refuse the keys nobody read: most likely misspelt, and silently ignored otherwise."""
        if self._unread:
            self.fail(f"unknown key(s) {', '.join(sorted(self._unread))}")

    def _take(self, key: str) -> object:
        if key not in self._table:
            self.fail(f"missing key {key}")
        self._unread.discard(key)
        return self._table[key]

    def text(self, key: str) -> str:
        value = self._take(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key} must be a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self._table else None

    def number(self, key: str, minimum: int = 0) -> int:
        value = self._take(key)
        # bool is an int subclass: `true` must not pass for 1.
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.fail(f"{key} must be a whole number of at least {minimum}")
        return value

    def optional_number(self, key: str, minimum: int = 0) -> int | None:
        return self.number(key, minimum) if key in self._table else None

    def choice(self, key: str, enum: type[E]) -> E:
        value = self._take(key)
        allowed = [member.value for member in enum]
        if not isinstance(value, str) or value not in allowed:
            self.fail(f"{key} = {value!r} is not one of {', '.join(allowed)}")
        return enum(value)

    def texts(self, key: str) -> tuple[str, ...]:
        values = self._take(key)
        if not isinstance(values, list) or not values:
            self.fail(f"{key} must be a non-empty array")
        if not all(isinstance(value, str) and value.strip() for value in values):
            self.fail(f"{key} must hold non-empty strings only")
        return tuple(values)

    def table(self, key: str) -> Fields:
        return Fields(self._take(key), self._path(key))

    def optional_table(self, key: str) -> Fields | None:
        return self.table(key) if key in self._table else None

    def tables(self, key: str) -> list[Fields]:
        """An array of tables; absent means none (a project without rewards)."""
        if key not in self._table:
            return []
        entries = self._take(key)
        if not isinstance(entries, list):
            self.fail(f"{key} must be an array of tables")
        path = self._path(key)
        return [Fields(entry, f"{path}[{index}]") for index, entry in enumerate(entries)]
