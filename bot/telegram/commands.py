"""The chat commands shown in Telegram's menu, per language and for moderators, and the bot's
profile (the description shown before the first message and the one-line short description)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.i18n.translator import N_, SUPPORTED_LOCALES, Catalogs

log = logging.getLogger(__name__)

MENU_RETRY_SECONDS = 30.0

# Command names stay French in every language (they are typed), except the language command,
# which each language calls by its own word, and /settings, the name Telegram's clients know
# (/reglages does the same); descriptions are translated.
LANGUAGE_COMMANDS = {"fr": "langue", "br": "yezh"}
PUBLIC_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Accueil et menu principal")),
    ("projets", N_("Découvrir les projets")),
    ("proposer", N_("Proposer un projet")),
    ("mes_projets", N_("Mes projets")),
    ("mes_soutiens", N_("Mes soutiens")),
    ("mes_donnees", N_("Mes données personnelles")),
    ("suivis", N_("Projets suivis")),
    ("settings", N_("Réglages : langue, nouvelles, rappels")),
    ("langue", N_("Changer de langue")),
    ("aide", N_("Ce que le bot sait faire")),
    ("annuler", N_("Annuler l’action en cours")),
)
MODERATOR_COMMANDS: tuple[tuple[str, str], ...] = (("moderation", N_("Projets à examiner")),)

# The bot's profile: Telegram shows the description in an empty chat, before /start, and the
# short description on the bot's profile page and in shared links. Limits: 512 and 120 characters.
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
BOT_DESCRIPTION = N_(
    "Kengo, c’est le financement participatif de la Bretagne, en français et en breton. Avec ce "
    "bot, découvrez les projets bretons en campagne, soutenez-les par un paiement sécurisé sur "
    "Stripe, suivez leurs nouvelles et proposez votre propre projet."
)
BOT_SHORT_DESCRIPTION = N_(
    "Financement participatif de la Bretagne : découvrez, soutenez et suivez ses projets, "
    "en français et en breton."
)


def language_command(locale: str) -> str:
    """The name under which a language's menu and help offer the choice of language."""
    return LANGUAGE_COMMANDS.get(locale, LANGUAGE_COMMANDS["fr"])


def commands_for(catalogs: Catalogs, locale: str, *, moderator: bool = False) -> list[BotCommand]:
    translator = catalogs.translator(locale)
    pairs = PUBLIC_COMMANDS + (MODERATOR_COMMANDS if moderator else ())
    return [
        BotCommand(
            language_command(locale) if name == "langue" else name, translator.gettext(description)
        )
        for name, description in pairs
    ]


def profile_for(catalogs: Catalogs, locale: str) -> tuple[str, str]:
    """The bot's description and short description in one language."""
    translator = catalogs.translator(locale)
    return translator.gettext(BOT_DESCRIPTION), translator.gettext(BOT_SHORT_DESCRIPTION)


async def publish_profile(bot: Bot, catalogs: Catalogs) -> None:
    """Set the bot's description and short description: French by default, then per language."""
    targets: list[tuple[str, str | None]] = [(catalogs.default_locale, None)]
    targets += [(locale, locale) for locale in SUPPORTED_LOCALES]
    for locale, language_code in targets:
        description, short_description = profile_for(catalogs, locale)
        await bot.set_my_description(description=description, language_code=language_code)
        await bot.set_my_short_description(
            short_description=short_description, language_code=language_code
        )


async def publish_default_commands(bot: Bot, catalogs: Catalogs) -> None:
    """Set the bot's profile and the menus every user sees: French by default, Breton for
    clients that send `br` (the Breton menu comes last)."""
    await publish_profile(bot, catalogs)
    await bot.set_my_commands(commands_for(catalogs, catalogs.default_locale))
    for locale in SUPPORTED_LOCALES:  # Breton last
        await bot.set_my_commands(
            commands_for(catalogs, locale), scope=BotCommandScopeDefault(), language_code=locale
        )


async def keep_publishing_default_commands(
    bot: Bot, catalogs: Catalogs, stop: asyncio.Event, retry_every: float = MENU_RETRY_SECONDS
) -> None:
    """Publish the profile and the menus, trying again until Telegram takes them or the bot stops.

    Both are a convenience: a server error on them must neither stop the bot from starting
    nor leave it without them (only `getMe`, and `setWebhook` in webhook mode, decide start-up).
    """
    while not stop.is_set():
        try:
            await publish_default_commands(bot, catalogs)
            return
        except TelegramError as error:
            log.warning("command menus not published (%s): retrying in %.0f s", error, retry_every)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), retry_every)


async def sync_chat_commands(
    bot: Bot, catalogs: Catalogs, chat_id: int, locale: str, *, moderator: bool
) -> None:
    """Give one private chat the menu of its chosen language (and moderation for moderators).

    Telegram has no Breton interface, so `language_code='br'` menus rarely apply: users who chose
    Breton in the bot get their menu through a chat scope instead.
    """
    scope = BotCommandScopeChat(chat_id)
    try:
        if locale == catalogs.default_locale and not moderator:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(
                commands_for(catalogs, locale, moderator=moderator), scope=scope
            )
    except TelegramError as error:
        # The menu is a convenience: failing to set it must not spoil the user's action.
        log.warning("could not set the command menu of chat %s: %s", chat_id, error)
