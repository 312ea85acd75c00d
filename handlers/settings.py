"""Settings: /settings (language, notifications, reminders), /langue and /yezh."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import Setting
from bot.i18n.translator import N_, SUPPORTED_LOCALES
from bot.telegram.commands import sync_chat_commands
from bot.views.follows import settings_keyboard, settings_text
from bot.views.menus import language_choice, main_menu
from handlers.common import pressed, reply, show

CHOOSE_LANGUAGE = N_("Choisissez votre langue :")


async def offer_language_choice(
    update: Update, context: KengoContext, *, first_contact: bool = False
) -> None:
    """Ask for the language; on first contact in both languages, since we may have guessed wrong."""
    profile = await context.profile(update)
    catalogs = context.runtime.catalogs
    if first_contact:
        text = "\n".join(
            catalogs.translator(locale).gettext(CHOOSE_LANGUAGE) for locale in SUPPORTED_LOCALES
        )
    else:
        text = catalogs.translator(profile.locale).gettext(CHOOSE_LANGUAGE)
    await reply(update, text, language_choice(None if first_contact else profile.locale))


async def language_command(update: Update, context: KengoContext) -> None:
    """Show the language buttons."""
    await offer_language_choice(update, context)


def _parse_language(data: str | None) -> str | None:
    return callbacks.parse_language(data, SUPPORTED_LOCALES)


async def language_button(update: Update, context: KengoContext) -> None:
    """Store the chosen language and answer in it from now on."""
    button = await pressed(update, await context.translator(update), _parse_language)
    if button is None:
        return
    query, locale = button
    profile = await context.services.users.choose_locale(query.from_user.id, locale)
    context.remember_profile(profile)
    t = context.runtime.catalogs.translator(locale)
    await query.answer()
    # TRANSLATORS: shown in the language just chosen: each catalog names its own language.
    confirmation = t.gettext("C’est noté : Kengo vous parlera désormais en français.")
    await show(update, confirmation, main_menu(t))
    await sync_chat_commands(
        context.bot,
        context.runtime.catalogs,
        profile.id,
        locale,
        moderator=context.runtime.is_moderator(profile.id),
    )


async def settings_command(update: Update, context: KengoContext) -> None:
    """Show the settings: language, project news, reminders, launch alerts."""
    t = await context.translator(update)
    user_id = (await context.profile(update)).id
    preferences = await context.services.users.preferences(user_id)
    alerts = await context.services.alerts.count(user_id)
    await show(update, settings_text(t, preferences), settings_keyboard(t, preferences, alerts))


async def setting_button(update: Update, context: KengoContext) -> None:
    """Change one setting and show the settings again."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_setting)
    if button is None:
        return
    query, which = button
    await query.answer()
    users = context.services.users
    if which is Setting.LANGUAGE:
        profile = await context.profile(update)
        await show(update, t.gettext(CHOOSE_LANGUAGE), language_choice(profile.locale))
        return
    if which is Setting.NOTIFICATIONS:
        preferences = await users.toggle_notifications(query.from_user.id)
    else:
        preferences = await users.toggle_reminders(query.from_user.id)
    alerts = await context.services.alerts.count(query.from_user.id)
    await show(update, settings_text(t, preferences), settings_keyboard(t, preferences, alerts))
