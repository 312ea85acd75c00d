"""Commands whose journeys are not built yet answer so, in the user's language.

Each entry leaves this module when its journey lands (browse, pledge, submit, follow, moderate).
"""

from __future__ import annotations

from telegram import Update

from bot.app import KengoContext
from bot.callbacks import MenuItem
from bot.i18n import N_, Translator
from bot.keyboards import main_menu
from handlers.common import reply, show

COMMAND_FEATURES: dict[str, str] = {
    "proposer": N_("La proposition de projet"),
    "moderation": N_("La modération"),
}
MENU_FEATURES: dict[MenuItem, str] = {
    MenuItem.PROPOSE: COMMAND_FEATURES["proposer"],
}


def announcement(t: Translator, feature: str) -> str:
    return t.gettext(
        "<b>{feature}</b> arrive très bientôt dans le bot. En attendant, tapez /aide pour voir "
        "ce que Kengo sait déjà faire."
    ).format(feature=t.gettext(feature))


async def announce(update: Update, context: KengoContext, feature: str) -> None:
    """Say that `feature` is on its way and offer the menu."""
    t = await context.translator(update)
    await show(update, announcement(t, feature), main_menu(t))


async def upcoming_command(update: Update, context: KengoContext) -> None:
    """Answer a command of a journey still to come."""
    message = update.effective_message
    command = (message.text or "").split()[0].split("@")[0].lstrip("/").lower() if message else ""
    if command == "moderation" and not context.runtime.is_moderator(
        (await context.profile(update)).id
    ):
        t = await context.translator(update)
        await reply(update, t.gettext("Cette commande est réservée à l'équipe de modération."))
        return
    await announce(update, context, COMMAND_FEATURES[command])
