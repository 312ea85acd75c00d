"""/mes_donnees: what Kengo keeps about a contributor, and the erasure of their contact and
shipping details once the campaigns they backed are over."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem, MyDataAction
from bot.domain import MyData, StoredPledgeData
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit
from bot.views.backers import address_line
from bot.views.menus import LANGUAGE_NAMES, menu_button


def _button(text: str, action: MyDataAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.my_data(action))


def my_data_button(t: Translator) -> InlineKeyboardButton:
    """From /mes_soutiens to what is stored about the user."""
    return _button(t.gettext("🔒 Mes données"), MyDataAction.SHOW)


def _pledge_lines(t: Translator, pledge: StoredPledgeData) -> list[str]:
    reward = escape_html(pledge.reward) if pledge.reward else t.gettext("don libre")
    lines = [f"• <b>{escape_html(pledge.project_title)}</b> — "
             f"{t.money(pledge.amount_cents)} · {reward}"]  # fmt: skip
    if pledge.name:
        lines.append("  " + t.gettext("nom : {name}").format(name=escape_html(pledge.name)))
    if pledge.email:
        lines.append("  " + t.gettext("e-mail : {email}").format(email=escape_html(pledge.email)))
    if pledge.address:
        address = escape_html(address_line(pledge.address))
        lines.append("  " + t.gettext("adresse : {address}").format(address=address))
    if pledge.nickname:
        nickname = escape_html(pledge.nickname)
        lines.append("  " + t.gettext("pseudo : {nickname}").format(nickname=nickname))
    if not pledge.erasable:
        lines.append("  <i>" + t.gettext("campagne en cours : effaçable après la campagne")
                     + "</i>")  # fmt: skip
    return lines


def my_data_text(t: Translator, data: MyData) -> str:
    language = LANGUAGE_NAMES.get(data.locale, data.locale)
    lines = [
        t.gettext("🔒 <b>Mes données</b>"),
        t.gettext(
            "Kengo garde votre identifiant Telegram, votre prénom ({name}) et votre langue "
            "({language}), pour vous répondre."
        ).format(name=escape_html(data.first_name), language=language),
        "",
    ]
    if not data.pledges:
        lines.append(t.gettext("Aucune coordonnée n’est gardée pour vos soutiens."))
        return "\n".join(lines)
    lines.append(t.gettext(
        "Pour vos soutiens, ce que vous avez donné au paiement, pour recevoir votre "
        "contrepartie (seul le porteur du projet le voit) :"
    ))  # fmt: skip
    for pledge in data.pledges:
        lines += _pledge_lines(t, pledge)
    lines.append("")
    if any(p.erasable for p in data.pledges):
        lines.append(t.gettext(
            "Vous pouvez effacer vos coordonnées des campagnes terminées. Les montants restent, "
            "pour la comptabilité."
        ))  # fmt: skip
    if not all(p.erasable for p in data.pledges):
        lines.append(t.gettext(
            "Pendant une campagne, le porteur en a besoin pour vous livrer : vous pourrez les "
            "effacer une fois la campagne terminée. Sans demande de votre part, elles sont "
            "effacées 12 mois après la fin de la campagne."
        ))  # fmt: skip
    return fit("\n".join(lines), TEXT_LIMIT).text


def my_data_keyboard(t: Translator, data: MyData) -> InlineKeyboardMarkup:
    rows = []
    if any(p.erasable for p in data.pledges):
        rows.append([_button(t.gettext("🧹 Effacer mes coordonnées"), MyDataAction.ASK)])
    rows.append([menu_button(t, MenuItem.PLEDGES), menu_button(t)])
    return InlineKeyboardMarkup(rows)


def confirm_text(t: Translator, data: MyData) -> str:
    count = sum(p.erasable for p in data.pledges)
    return t.ngettext(
        "Effacer vos nom, e-mail, adresse et pseudo de {count} soutien à une campagne "
        "terminée ? Les montants restent. C’est définitif.",
        "Effacer vos nom, e-mail, adresse et pseudo de {count} soutiens à des campagnes "
        "terminées ? Les montants restent. C’est définitif.",
        count,
    ).format(count=t.number(count))


def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_button(t.gettext("✅ Confirmer l’effacement"), MyDataAction.ERASE)],
        [_button(t.gettext("✖ Annuler"), MyDataAction.SHOW)],
    ])  # fmt: skip


def erased_text(t: Translator, count: int) -> str:
    if not count:
        return t.gettext("Rien à effacer : aucune coordonnée n’est gardée d’une campagne terminée.")
    return t.ngettext(
        "🧹 C’est fait : vos coordonnées sont effacées de {count} soutien.",
        "🧹 C’est fait : vos coordonnées sont effacées de {count} soutiens.",
        count,
    ).format(count=t.number(count))


def erased_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_button(t.gettext("🔒 Mes données"), MyDataAction.SHOW)],
        [menu_button(t, MenuItem.PLEDGES), menu_button(t)],
    ])  # fmt: skip
