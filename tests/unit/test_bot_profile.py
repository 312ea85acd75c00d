"""The bot's profile (description and short description) fits Telegram's limits in each language."""

from __future__ import annotations

import pytest

from bot.i18n.translator import SUPPORTED_LOCALES, Catalogs
from bot.telegram.commands import (
    BOT_DESCRIPTION,
    BOT_SHORT_DESCRIPTION,
    MAX_DESCRIPTION,
    MAX_SHORT_DESCRIPTION,
    profile_for,
)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_profile_fits_telegrams_limits(locale: str) -> None:
    description, short_description = profile_for(Catalogs.load(), locale)
    assert 0 < len(description) <= MAX_DESCRIPTION
    assert 0 < len(short_description) <= MAX_SHORT_DESCRIPTION
    assert "\n" not in short_description  # one line


def test_the_breton_profile_is_translated() -> None:
    description, short_description = profile_for(Catalogs.load(), "br")
    assert description != BOT_DESCRIPTION
    assert short_description != BOT_SHORT_DESCRIPTION
    assert "Stripe" in description
