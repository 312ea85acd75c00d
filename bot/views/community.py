"""Connected groups and channels: the owner's screen, and what the bot posts in those chats."""

from __future__ import annotations

import hashlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import OwnerAction
from bot.domain import (
    ChatType,
    CommunityChat,
    CommunityChats,
    ConnectRefusal,
    ProjectCard,
    ProjectStatus,
)
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.telegram.deeplinks import connect_channel_url, connect_group_url
from bot.views import matching
from bot.views.card import RenderedCard, render_card
from bot.views.menus import way_on
from bot.views.progress import contributors, progress_bar, raised_of_goal, time_left

LANGUAGE_NAMES = {"fr": "Français", "br": "Brezhoneg"}


def _button(text: str, action: OwnerAction, target: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.owner(action, target))


def _kind(t: Translator, chat: CommunityChat) -> str:
    if chat.chat_type is ChatType.CHANNEL:
        return t.gettext("canal")
    return t.gettext("groupe")


def _switch(t: Translator, on: bool) -> str:
    return t.gettext("oui") if on else t.gettext("non")


def chats_text(t: Translator, screen: CommunityChats) -> str:
    title = escape_html(screen.project.title)
    lines = [t.gettext("📣 <b>Groupes et canaux</b> — {title}").format(title=title), ""]
    lines.append(t.gettext(
        "Kengo publie la fiche du projet dans vos groupes et canaux Telegram, avec un bouton "
        "« Soutenir » qui ouvre Kengo en privé, puis tient à jour un message de progression "
        "(une fois par minute au plus). Les étapes marquantes (moitié de l’objectif, objectif "
        "atteint, dernières 48 heures, résultat) y sont annoncées aussi."
    ))  # fmt: skip
    lines.append("")
    if not screen.chats:
        lines.append(t.gettext("Aucun groupe ni canal connecté pour l’instant."))
    for number, chat in enumerate(screen.chats, start=1):
        lines.append(f"{number}. <b>{escape_html(chat.title)}</b> ({_kind(t, chat)})")
        lines.append(
            t.gettext("  langue : {language} · actualités : {news} · épinglé : {pin}").format(
                language=LANGUAGE_NAMES.get(chat.language, chat.language),
                news=_switch(t, chat.cross_post_news),
                pin=_switch(t, chat.pin_progress),
            )
        )
    lines += ["", t.gettext(
        "Pour connecter un groupe ou un canal, vous devez en être administrateur : choisissez-le "
        "après avoir touché le bouton ci-dessous (le lien vaut 24 heures)."
    )]  # fmt: skip
    return "\n".join(lines)


def chats_keyboard(
    t: Translator, screen: CommunityChats, bot_username: str
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    # Numbered as the text lists the chats: the same labels for two chats would be ambiguous.
    for number, chat in enumerate(screen.chats, start=1):
        language = LANGUAGE_NAMES.get(chat.language, chat.language)
        labels = (
            t.gettext("🗣 Langue\u00a0: {language}").format(language=language),
            t.gettext("📰 Actualités\u00a0: {state}").format(
                state=_switch(t, chat.cross_post_news)
            ),
            t.gettext("📌 Épingler\u00a0: {state}").format(state=_switch(t, chat.pin_progress)),
            t.gettext("✖ Déconnecter"),
        )
        actions = (OwnerAction.CHAT_LANGUAGE, OwnerAction.CHAT_NEWS, OwnerAction.CHAT_PIN,
                   OwnerAction.CHAT_DISCONNECT)  # fmt: skip
        buttons = [_button(f"{number}. {label}", action, chat.id)
                   for label, action in zip(labels, actions, strict=True)]  # fmt: skip
        rows += [buttons[:2], buttons[2:]]
    token = screen.invite_token
    rows.append([
        InlineKeyboardButton(t.gettext("➕ Connecter un groupe"),
                             url=connect_group_url(bot_username, token)),
        InlineKeyboardButton(t.gettext("➕ Connecter un canal"),
                             url=connect_channel_url(bot_username, token)),
    ])  # fmt: skip
    rows.append([_button(t.gettext("↩ Retour au projet"), OwnerAction.PROJECT, screen.project.id)])
    return way_on(t, *rows)


def support_keyboard(t: Translator, card: ProjectCard, pledge_url: str) -> InlineKeyboardMarkup:
    """Under what the bot posts in a chat: "Soutenir" opens the bot in private (pledges are
    nobody else's business); a finished campaign offers to see the project instead."""
    if card.summary.status is ProjectStatus.LIVE:
        label = t.gettext("💶 Soutenir")
    else:
        label = t.gettext("🔎 Voir le projet")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=pledge_url)]])


def chat_card(t: Translator, card: ProjectCard) -> RenderedCard:
    """The card as followers see it, without the buttons that only work in private."""
    return render_card(t, card, as_caption=card.summary.photo_file_id is not None)


def progress_text(t: Translator, card: ProjectCard) -> str:
    """The live progress message, edited in place as pledges arrive."""
    project = card.summary
    lines = [
        t.gettext("📊 <b>{title}</b> — où en est la campagne").format(
            title=escape_html(project.title)
        ),
        progress_bar(t, project.raised_cents, project.goal_cents),
        raised_of_goal(t, project.raised_cents, project.goal_cents),
        f"👥 {contributors(t, project.contributors_count)}",
        *matching.card_lines(t, card),  # a partner's match: its share, rule, call to action
    ]
    if project.status is ProjectStatus.LIVE:
        lines.append(f"⏳ {time_left(t, project.ends_at)}")
    elif project.status is ProjectStatus.SUCCEEDED:
        lines.append(t.gettext("✅ Campagne réussie : merci à tous les contributeurs !"))
    else:
        lines.append(t.gettext("Campagne terminée."))
    return "\n".join(lines)


def shown_digest(text: str, keyboard: InlineKeyboardMarkup) -> str:
    """What a progress message shows, in a few bytes: equal digests mean an edit would change
    nothing (Telegram refuses those)."""
    shown = text + repr(keyboard.to_dict())
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def refusal_text(
    t: Translator, refusal: ConnectRefusal, *, leaving: bool, channel: bool = False
) -> str:
    """Said in the chat (or, for a channel, to whoever added the bot) when a connection is
    refused; `leaving`: the bot then leaves a chat it has nothing to do in."""
    if refusal is ConnectRefusal.NOT_ADMIN:
        text = t.gettext("Seul un administrateur de cette conversation peut y connecter un projet.")
    elif refusal is ConnectRefusal.NOT_OWNER:
        text = t.gettext(
            "Seul le porteur du projet peut le connecter ici, depuis /mes_projets en privé."
        )
    elif refusal is ConnectRefusal.TAKEN:
        text = t.gettext(
            "Cette conversation présente déjà un autre projet Kengo\u00a0: son porteur doit "
            "d’abord la déconnecter."
        )
    elif channel:  # no link shows in a channel: the person added the bot by hand, or too late
        text = t.gettext(
            "Aucun lien de connexion valable à votre nom\u00a0: pour connecter ce canal, "
            "touchez « ➕ Connecter un canal » dans /mes_projets → votre projet → « 📣 Groupes "
            "et canaux », en privé, dans les 24 heures."
        )
    else:
        text = t.gettext(
            "Ce lien de connexion n’est plus valable\u00a0: le porteur du projet en obtient un "
            "nouveau dans /mes_projets, en privé."
        )
    if not leaving:
        return text
    return text + " " + t.gettext("Je me retire.")


def cannot_post_text(t: Translator, chat_title: str) -> str:
    """To whoever made the bot an administrator of a channel without the right to post."""
    return t.gettext(
        "Kengo est administrateur du canal « {chat} » sans le droit d’y publier : donnez-lui "
        "les droits « Publier des messages » et « Modifier les messages des autres », et le "
        "canal sera connecté à votre projet."
    ).format(chat=escape_html(chat_title))


def connected_text(t: Translator, chat: CommunityChat, project_title: str) -> str:
    """To the owner, in private."""
    if chat.chat_type is ChatType.CHANNEL:
        text = t.gettext("✅ Canal « {chat} » connecté à « {project} ».")
    else:
        text = t.gettext("✅ Groupe « {chat} » connecté à « {project} ».")
    return text.format(chat=escape_html(chat.title), project=escape_html(project_title))


def disconnected_text(
    t: Translator, chat: CommunityChat, project_title: str, *, by_owner: bool
) -> str:
    """To the owner, in private: a chat is no longer connected."""
    names = {"chat": escape_html(chat.title), "project": escape_html(project_title)}
    if by_owner:
        return t.gettext(
            "« {chat} » est déconnecté de « {project} » : Kengo n’y publiera plus rien et "
            "l’a quitté."
        ).format(**names)
    return t.gettext(
        "Kengo ne peut plus publier dans « {chat} » (retiré, ou privé de ses droits) : "
        "cette conversation est déconnectée de « {project} ». Vous pouvez la reconnecter "
        "depuis « 📣 Groupes et canaux »."
    ).format(**names)


def pin_refused_text(t: Translator, chat: CommunityChat) -> str:
    """To the owner: Telegram would not let the bot pin in the chat (the right was not given:
    in a channel, pinning takes the right to edit messages)."""
    if chat.chat_type is ChatType.CHANNEL:
        return t.gettext(
            "📌 Kengo n’a pas pu épingler son message de progression dans « {chat} »\u00a0: "
            "dans un canal, il lui faut le droit d’administrateur de modifier les messages. "
            "Donnez-le-lui dans Telegram, puis touchez « 📌 Épingler » dans « 📣 Groupes "
            "et canaux »."
        ).format(chat=escape_html(chat.title))
    return t.gettext(
        "📌 Kengo n’a pas pu épingler son message de progression dans « {chat} »\u00a0: il lui "
        "faut le droit d’administrateur « Épingler des messages ». Donnez-le-lui dans Telegram, "
        "puis touchez « 📌 Épingler » dans « 📣 Groupes et canaux »."
    ).format(chat=escape_html(chat.title))


def after_chat_change(t: Translator, project_id: int) -> InlineKeyboardMarkup:
    """Under a message to the owner about one of their chats."""
    return way_on(t, [_button(t.gettext("📣 Groupes et canaux"), OwnerAction.CHATS, project_id)])


def group_help_text(t: Translator) -> str:
    """/start or /help addressed to the bot in a group."""
    return t.gettext(
        "Kengo publie ici la fiche d’un projet breton et sa progression. Son porteur connecte "
        "cette conversation depuis /mes_projets, en privé. Pour soutenir le projet, touchez "
        "« Soutenir » sous sa fiche : tout se passe en privé."
    )
