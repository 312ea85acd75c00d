"""Welcome, main menu and help: /start [payload], /aide, /help and the menu buttons."""

from __future__ import annotations

import re

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem
from bot.domain import ListView
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.telegram.commands import language_command, sync_chat_commands
from bot.telegram.deeplinks import parse_payload
from bot.views.menus import language_choice, main_menu
from handlers import browse, follow, my_pledges, project, propose, settings
from handlers.common import pressed, reply, show

# Telegram's rule for `t.me/<bot>?start=<payload>`: at most 64 characters of A-Za-z0-9_-.
_START_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def live_count_text(t: Translator, live: int) -> str:
    if live == 0:
        return t.gettext("Aucun projet n’est en campagne en ce moment : revenez bientôt !")
    return t.ngettext(
        "En ce moment, {count} projet est en campagne.",
        "En ce moment, {count} projets sont en campagne.",
        live,
    ).format(count=t.number(live))


def welcome_text(t: Translator, first_name: str, live: int) -> str:
    return "\n\n".join(
        (
            t.gettext("<b>Bienvenue sur Kengo, {name} !</b>").format(name=escape_html(first_name)),
            t.gettext(
                "Kengo, c’est le financement participatif de la Bretagne : des projets bretons "
                "de culture, d’innovation et de solidarité, portés par des associations, des "
                "collectivités et des particuliers."
            ),
            t.gettext(
                "Ici, vous découvrez les projets en campagne, vous les soutenez en quelques "
                "secondes et vous suivez leurs nouvelles."
            ),
            live_count_text(t, live),
        )
    )


async def start(update: Update, context: KengoContext) -> None:
    """Greet the user by name, explain Kengo and show the main menu."""
    profile = await context.profile(update)
    if profile.input_mode is not None:
        # /start leaves whatever the user was typing for (a search, an amount).
        await context.services.users.set_input_mode(profile.id, None)
    payload = context.args[0] if context.args else None
    if payload and _START_PAYLOAD.match(payload):
        # Kept as where the user came from; an invalid payload is simply ignored.
        await context.services.users.note_arrival(profile.id, payload)
    t = context.runtime.catalogs.translator(profile.locale)
    if payload and await my_pledges.returned_from_payment(update, context, payload):
        return
    if not await _open_shared_project(update, context, t, payload):
        live = await context.services.projects.count_live()
        await reply(update, welcome_text(t, profile.first_name, live), main_menu(t))
    if not profile.locale_chosen:
        await settings.offer_language_choice(update, context, first_contact=True)
    if context.runtime.is_moderator(profile.id):
        # Moderators may be appointed after their first visit: refresh their menu on /start.
        await sync_chat_commands(
            context.bot, context.runtime.catalogs, profile.id, profile.locale, moderator=True
        )


async def _open_shared_project(
    update: Update, context: KengoContext, t: Translator, payload: str | None
) -> bool:
    """Show the project of a share link (counting the visit); False when it is not one."""
    link = parse_payload(payload)
    if link is None:
        return False
    profile = await context.profile(update)
    card = await context.services.catalogue.card(link.project_id, profile.id, t.locale)
    if card is None:
        return False
    if link.referrer_id is not None:
        await context.services.sharing.record_visit(link.project_id, link.referrer_id, profile.id)
    if link.chat_id is not None:  # a connected group's or channel's "Soutenir" button
        await context.services.community.record_visit(link.chat_id, profile.id)
    if profile.is_new:
        greeting = t.gettext(
            "<b>Bienvenue sur Kengo, {name} !</b> Voici le projet que l’on vous a partagé :"
        )
        await reply(update, greeting.format(name=escape_html(profile.first_name)))
    await project.send_card(update, context, card, None)
    return True


def help_text(t: Translator, bot_username: str, *, moderator: bool = False) -> str:
    language = language_command(t.locale)
    lines = [
        t.gettext("<b>Ce que Kengo sait faire</b>"),
        "",
        t.gettext("/projets — découvrir les projets en campagne et les soutenir"),
        t.gettext("/proposer — proposer votre projet, étape par étape"),
        t.gettext("/mes_projets — suivre vos projets et donner des nouvelles"),
        t.gettext("/mes_soutiens — retrouver vos contributions"),
        t.gettext("/mes_donnees — ce que Kengo garde sur vous, et l’effacer"),
        t.gettext("/suivis — les projets que vous suivez"),
        t.gettext(
            "/settings ou /reglages — vos réglages : langue, nouvelles des projets "
            "suivis, rappels de fin de campagne"
        ),
        t.gettext("/{command} — choisir entre le français et le breton").format(command=language),
        t.gettext("/annuler — abandonner l’action en cours"),
    ]
    if moderator:
        lines.append(t.gettext("/moderation — les projets à examiner et les paiements à vérifier"))
    lines += [
        "",
        t.gettext(
            "<b>Chercher sans commande</b> : tapez simplement des mots (« fest-noz », "
            "« Brest », « Penn-ar-Bed »…) pour chercher un projet, ou envoyez votre position "
            "pour voir les projets de votre département."
        ),
        "",
        t.gettext(
            "<b>Partager un projet dans n’importe quelle conversation</b> : tapez "
            "@{bot} suivi de quelques mots (un titre, une commune…), puis choisissez un projet "
            "en campagne dans la liste. Sa fiche résumée est publiée dans la conversation, "
            "avec un bouton « Voir le projet » qui l’ouvre ici."
        ).format(bot=escape_html(bot_username)),
        "",
        t.gettext(
            "Les paiements passent par Stripe, en toute sécurité : Kengo ne voit jamais "
            "votre carte."
        ),
    ]
    return "\n".join(lines)


async def help_command(update: Update, context: KengoContext) -> None:
    """List what the bot can do (and, to moderators, what they alone can do)."""
    t = await context.translator(update)
    moderator = context.runtime.is_moderator((await context.profile(update)).id)
    await reply(update, help_text(t, context.bot.username, moderator=moderator), main_menu(t))


def menu_text(t: Translator, live: int) -> str:
    return "\n\n".join((t.gettext("<b>Que souhaitez-vous faire ?</b>"), live_count_text(t, live)))


async def menu_button(update: Update, context: KengoContext) -> None:
    """Route a main-menu button to its journey."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_menu)
    if button is None:
        return
    query, item = button
    await query.answer()
    if item is MenuItem.LANGUAGE:
        profile = await context.profile(update)
        await show(update, t.gettext("Choisissez votre langue :"), language_choice(profile.locale))
    elif item is MenuItem.DISCOVER:
        await browse.open_catalogue(update, context, ListView(), new=False)
    elif item is MenuItem.PLEDGES:
        await my_pledges.my_pledges(update, context)
    elif item is MenuItem.FOLLOWS:
        await follow.followed(update, context)
    elif item is MenuItem.SETTINGS:
        await settings.settings_command(update, context)
    elif item is MenuItem.HOME:
        live = await context.services.projects.count_live()
        await show(update, menu_text(t, live), main_menu(t))
    else:
        await propose.propose(update, context)
