"""Callback data: short, namespaced, and anything forged is refused rather than trusted."""

from __future__ import annotations

import pytest

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem, Namespace


def test_every_menu_item_round_trips_within_telegram_limit() -> None:
    for item in MenuItem:
        data = callbacks.menu(item)
        assert len(data.encode()) <= callbacks.MAX_BYTES
        assert callbacks.parse_menu(data) is item


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "menu",
        "menu:",
        "menu:nope",
        "menu:discover:extra",
        "lang:fr",
        "x" * 65,
        "menu:DISCOVER",
        "menu:discover\n",
        "other:discover",
    ],
)
def test_forged_menu_data_is_refused(data: str | None) -> None:
    assert callbacks.parse_menu(data) is None


def test_language_data_accepts_only_supported_locales() -> None:
    supported = ("fr", "br")
    assert callbacks.parse_language(callbacks.language("br"), supported) == "br"
    assert callbacks.parse_language("lang:en", supported) is None
    assert callbacks.parse_language("lang:br:x", supported) is None
    assert callbacks.parse_language("menu:language", supported) is None


def test_building_rejects_data_telegram_would_refuse() -> None:
    with pytest.raises(ValueError, match="invalid callback data"):
        callbacks.build(Namespace.MENU, "a" * 70)
    with pytest.raises(ValueError, match="invalid callback data"):
        callbacks.build(Namespace.MENU, "with space")
