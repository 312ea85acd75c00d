"""The owner's backer list: a page of paid pledges per reward, its CSV export, and the way to
write to the contributors of one reward."""

from __future__ import annotations

import csv
import io
from datetime import UTC

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import BackersAction, BackersButton, OwnerAction
from bot.domain import Backer, BackerPage, DeliveryMode, SupporterDisplay
from bot.i18n.text import escape_html
from bot.i18n.translator import N_, Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit
from bot.views import labels
from bot.views.menus import menu_button

DELIVERY_NAMES = {
    DeliveryMode.SHIPPED: N_("envoi postal"),
    DeliveryMode.IN_PERSON: N_("en main propre"),
    DeliveryMode.NOTHING: N_("rien à livrer"),
}
DISPLAY_NAMES = {
    SupporterDisplay.NAME: N_("nom sur la fiche"),
    SupporterDisplay.NICKNAME: N_("pseudo sur la fiche"),
    SupporterDisplay.ANONYMOUS: N_("anonyme sur la fiche"),
}
# French spreadsheets (Excel, LibreOffice in French) split a double-clicked CSV on ";": there
# the comma is the decimal separator, so ";" is their list separator.
CSV_SEPARATOR = ";"
# A cell starting with one of these is a formula to a spreadsheet: a contributor's name must
# not run as one on the owner's computer.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _button(text: str, button: BackersButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.backers(button))


def address_line(address: dict[str, str] | None) -> str:
    """A shipping address on one line: street, complement, postcode and city, region, country."""
    if not address:
        return ""
    city = " ".join(p for p in (address.get("postal_code"), address.get("city")) if p)
    parts = (address.get("line1"), address.get("line2"), city, address.get("state"),
             address.get("country"))  # fmt: skip
    return ", ".join(str(p) for p in parts if p)


def _display(t: Translator, backer: Backer) -> str:
    if backer.display is SupporterDisplay.NICKNAME and backer.nickname:
        return t.gettext("« {nickname} » sur la fiche").format(nickname=backer.nickname)
    return t.gettext(DISPLAY_NAMES[backer.display])


def _delivery(t: Translator, backer: Backer) -> str:
    if backer.delivery_mode is DeliveryMode.SHIPPED:
        return escape_html(address_line(backer.address)) or t.gettext("adresse manquante")
    if backer.delivery_mode is DeliveryMode.IN_PERSON:
        return t.gettext("en main propre")
    return "—"


def _line(t: Translator, backer: Backer) -> str:
    reward = escape_html(backer.reward) if backer.reward else t.gettext("don libre")
    when = t.date(backer.paid_at) if backer.paid_at else ""
    amount = t.money(backer.amount_cents)
    if backer.erased:
        return f"• <i>{t.gettext('données effacées')}</i> — {amount} — {reward} — {when}"
    name = escape_html(backer.name) if backer.name else t.gettext("nom non fourni")
    display = escape_html(_display(t, backer))
    return (f"• <b>{name}</b> ({display}) — {amount} — {reward}\n"
            f"  📦 {_delivery(t, backer)} · {when}")  # fmt: skip


def backers_text(t: Translator, page: BackerPage) -> str:
    title = escape_html(page.title)
    lines = [t.gettext("👥 <b>Contributeurs de « {title} »</b>").format(title=title)]
    if page.tier_id is not None:
        reward = next((x.title for x in page.tiers if x.tier_id == page.tier_id), "")
        lines.append(t.gettext("Contrepartie : {reward}").format(reward=escape_html(reward)))
    count = t.ngettext("{count} soutien payé", "{count} soutiens payés", page.total)
    lines.append(count.format(count=t.number(page.total)))
    if page.pages > 1:
        lines.append(t.gettext("Page {page} sur {pages}").format(
            page=t.number(page.page + 1), pages=t.number(page.pages)))  # fmt: skip
    lines.append("")
    if not page.backers:
        lines.append(t.gettext("Pas encore de soutien payé ici."))
    lines += [_line(t, backer) for backer in page.backers]
    return fit("\n".join(lines), TEXT_LIMIT).text


def backers_keyboard(t: Translator, page: BackerPage, *, can_write: bool) -> InlineKeyboardMarkup:
    """Rewards to filter by ("Tous" first), ◀ ▶, the CSV, a message to the reward's contributors,
    and the way back."""
    here = BackersButton(BackersAction.PAGE, page.project_id, page.tier_id, page.page)
    all_label = t.gettext("Tous")
    choices = [_button(("• " if page.tier_id is None else "") + all_label,
                       BackersButton(BackersAction.PAGE, page.project_id))]  # fmt: skip
    for tier in page.tiers:
        mark = "• " if tier.tier_id == page.tier_id else ""
        label = labels.button_label(tier.title, before=mark, after=f" ({t.number(tier.backers)})")
        choices.append(_button(label, BackersButton(BackersAction.PAGE, page.project_id,
                                                    tier.tier_id)))  # fmt: skip
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    arrows = []
    if page.page > 0:
        arrows.append(_button("◀", BackersButton(here.action, here.project_id, here.tier_id,
                                                 page.page - 1)))  # fmt: skip
    if page.page + 1 < page.pages:
        arrows.append(_button("▶", BackersButton(here.action, here.project_id, here.tier_id,
                                                 page.page + 1)))  # fmt: skip
    if arrows:
        rows.append(arrows)
    if page.tier_id is not None and can_write:
        label = t.gettext("✉️ Écrire aux contributeurs de cette contrepartie")
        rows.append([_button(label, BackersButton(BackersAction.WRITE, page.project_id,
                                                  page.tier_id))])  # fmt: skip
    export = BackersButton(BackersAction.EXPORT, page.project_id, page.tier_id, page.page)
    rows.append([_button(t.gettext("📄 Exporter (CSV)"), export)])
    back = InlineKeyboardButton(
        t.gettext("↩ Retour au projet"),
        callback_data=callbacks.owner(OwnerAction.PROJECT, page.project_id),
    )
    rows.append([back, menu_button(t)])
    return InlineKeyboardMarkup(rows)


def csv_filename(slug: str) -> str:
    return f"kengo-{slug}-contributeurs.csv"


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def spreadsheet_euros(cents: int) -> str:
    """ "15,00": a decimal comma, which French spreadsheets (the ones that split on ";") read as
    a number where "15.00" would stay text; integer arithmetic, never a float."""
    return f"{cents // 100},{cents % 100:02d}"


def spreadsheet_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV that French spreadsheets open as is: ";"-separated, UTF-8 with a BOM, which tells
    them the encoding (without it, accents come out garbled in Excel); a cell that would read as
    a formula is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def backers_csv(t: Translator, backers: list[Backer]) -> bytes:
    """One row per paid pledge, headed in the owner's language."""
    header = [
        t.gettext("Date"), t.gettext("Nom"), t.gettext("E-mail"), t.gettext("Montant (€)"),
        t.gettext("Contrepartie"), t.gettext("Livraison"), t.gettext("Adresse"),
        t.gettext("Complément d’adresse"), t.gettext("Code postal"), t.gettext("Ville"),
        t.gettext("Région"), t.gettext("Pays"), t.gettext("Affichage sur la fiche"),
    ]  # fmt: skip
    rows = []
    for b in backers:
        address = b.address or {}
        when = b.paid_at.astimezone(UTC).date().isoformat() if b.paid_at else ""
        name = t.gettext("données effacées") if b.erased else (b.name or "")
        mode = t.gettext(DELIVERY_NAMES[b.delivery_mode]) if b.delivery_mode else ""
        rows.append([str(v) for v in (
            when, name, b.email or "", spreadsheet_euros(b.amount_cents),
            b.reward or t.gettext("don libre"), mode, address.get("line1") or "",
            address.get("line2") or "", address.get("postal_code") or "",
            address.get("city") or "", address.get("state") or "",
            address.get("country") or "", _display(t, b),
        )])  # fmt: skip
    return spreadsheet_csv(header, rows)


def csv_caption(t: Translator, count: int) -> str:
    return t.ngettext(
        "📄 {count} soutien payé, un par ligne. Ces coordonnées servent à livrer les "
        "contreparties : gardez-les pour vous.",
        "📄 {count} soutiens payés, un par ligne. Ces coordonnées servent à livrer les "
        "contreparties : gardez-les pour vous.",
        count,
    ).format(count=t.number(count))


def write_prompt(t: Translator, reward: str) -> str:
    return t.gettext(
        "Écrivez votre message aux contributeurs de « {reward} » (un texte, ou une photo avec "
        "sa légende). Vous le relirez avant qu’il parte."
    ).format(reward=escape_html(reward))


def back_to_backers(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardMarkup:
    """Under the last message of a message to contributors: their list, the projects, the menu."""
    listing = BackersButton(BackersAction.PAGE, project_id, tier_id)
    mine = InlineKeyboardButton(t.gettext("↩ Mes projets"), callback_data=callbacks.owner(
        OwnerAction.LIST))  # fmt: skip
    return InlineKeyboardMarkup([
        [_button(t.gettext("👥 Contributeurs"), listing)], [mine, menu_button(t)]
    ])  # fmt: skip
