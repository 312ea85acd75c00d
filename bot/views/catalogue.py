"""The catalogue message: one page of projects, its filters, and the choice menus."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import FilterKind
from bot.domain import (
    PAGE_SIZE,
    CataloguePage,
    Category,
    Departement,
    ListView,
    Order,
    ProjectSummary,
)
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.places import commune_name
from bot.views import labels
from bot.views.alerts import watch_list_button
from bot.views.menus import menu_button, way_on
from bot.views.progress import funded, time_left

Keyboard = list[list[InlineKeyboardButton]]


def catalogue_text(t: Translator, page: CataloguePage, *, note: str = "") -> str:
    """A page of the list; `note` (what just happened: a département chosen…) goes first."""
    lines = [note, ""] if note else []
    lines += [t.gettext("<b>🔎 Projets en campagne</b>"), _criteria(t, page)]
    if not page.items:
        lines += ["", _nothing_found(t, page)]
        return "\n".join(lines)
    lines.append(
        t.ngettext(
            "{count} projet — page {page}/{pages}",
            "{count} projets — page {page}/{pages}",
            page.total,
        ).format(count=t.number(page.total), page=page.view.page + 1, pages=page.pages)
    )
    first = page.view.page * PAGE_SIZE + 1
    for number, item in enumerate(page.items, start=first):
        lines += ["", *item_lines(t, number, item)]
    lines += ["", t.gettext("💬 Tapez un mot pour chercher un projet, une commune…")]
    return "\n".join(lines)


def item_lines(t: Translator, number: int, item: ProjectSummary) -> list[str]:
    """A project in a list: title and place, then how far it is funded and the time left."""
    progress = [funded(t, item.raised_cents, item.goal_cents), time_left(t, item.ends_at)]
    return [
        f"{number}. <b>{escape_html(item.title)}</b> — {_place(t, item)}",
        " · ".join(part for part in progress if part),
    ]


def _place(t: Translator, item: ProjectSummary) -> str:
    place = escape_html(commune_name(item.commune, t.locale, item.departement))
    departement = labels.departement(t, item.departement)
    return f"{place} ({departement})" if place and departement else place or departement


def _criteria(t: Translator, page: CataloguePage) -> str:
    view = page.view
    parts = [labels.category(t, view.category), labels.departement(t, view.departement)]
    parts = [part for part in parts if part] or [t.gettext("Tous les projets")]
    parts.append(t.gettext("tri : {order}").format(order=labels.sort(t, view.sort).lower()))
    criteria = " · ".join(parts)
    if page.query:
        search = t.gettext("Recherche : « {query} »").format(query=escape_html(page.query))
        criteria = f"{search}\n{criteria}"
    return f"<i>{criteria}</i>"


def _filtered(view: ListView) -> bool:
    return bool(view.category or view.departement)


def _nothing_found(t: Translator, page: CataloguePage) -> str:
    if page.query and _filtered(page.view):
        return t.gettext(
            "Aucun projet ne correspond à « {query} ». Essayez un autre mot, le nom d’une "
            "commune, ou retirez les filtres."
        ).format(query=escape_html(page.query))
    if page.query:
        return t.gettext(
            "Aucun projet ne correspond à « {query} ». Essayez un autre mot, le nom d’une "
            "commune ou d’un département."
        ).format(query=escape_html(page.query))
    if not _filtered(page.view):
        return t.gettext("Aucun projet n’est en campagne en ce moment : revenez bientôt !")
    return t.gettext(
        "Aucun projet en campagne ne correspond à ces critères pour le moment. Essayez une autre "
        "catégorie ou un autre département."
    )


def catalogue_keyboard(
    t: Translator, page: CataloguePage, *, near_me: bool = False, alert: bool | None = None
) -> InlineKeyboardMarkup:
    """Projects, pages, filters; `near_me`: the list is the user's own département's, and its
    "near me" button changes that département instead; `alert`: whether the user is told of
    new projects of this list (None: the list is no place nor category to be told about)."""
    view = page.view
    rows: Keyboard = []
    first = view.page * PAGE_SIZE + 1
    for number, item in enumerate(page.items, start=first):
        label = labels.button_label(item.title, before=f"{number}. ")
        rows.append([InlineKeyboardButton(label, callback_data=callbacks.project(item.id, view))])
    navigation = []
    if view.page > 0:
        target = callbacks.list_page(_at(view, -1))
        navigation.append(InlineKeyboardButton(t.gettext("◀ Précédent"), callback_data=target))
    if view.page + 1 < page.pages:
        target = callbacks.list_page(_at(view, +1))
        navigation.append(InlineKeyboardButton(t.gettext("Suivant ▶"), callback_data=target))
    if navigation:
        rows.append(navigation)
    rows.append(
        [
            _button(t.gettext("🏷 Catégorie"), callbacks.list_filter(FilterKind.CATEGORY, view)),
            _button(
                t.gettext("🗺 Département"), callbacks.list_filter(FilterKind.DEPARTEMENT, view)
            ),
            _button(t.gettext("↕ Tri"), callbacks.list_filter(FilterKind.SORT, view)),
        ]
    )
    if near_me:
        change = callbacks.near_me(view, choose=True)
        rows.append([_button(t.gettext("📍 Changer de département"), change)])
    else:
        rows.append([_button(t.gettext("📍 Près de chez moi"), callbacks.near_me(view))])
    if alert is not None:
        rows.append([watch_list_button(t, view, watching=alert)])
    if page.query and _filtered(view) and not page.items:
        # The same words everywhere: what "retirez les filtres" above suggests.
        unfiltered = callbacks.list_page(ListView(sort=view.sort, query_hash=view.query_hash))
        rows.append([_button(t.gettext("✖ Retirer les filtres"), unfiltered)])
    if _filtered(view) or view.query_hash:
        everything = callbacks.list_page(ListView(sort=view.sort))
        rows.append([_button(t.gettext("✖ Tout afficher"), everything)])
    if view.page + 1 >= page.pages:
        rows.append([menu_button(t)])  # the end of the list: a way on
    return InlineKeyboardMarkup(rows)


def _at(view: ListView, step: int) -> ListView:
    return replace(view, page=max(0, view.page + step))


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def filter_text(t: Translator, kind: FilterKind) -> str:
    prompts = {
        FilterKind.CATEGORY: t.gettext("Quelle catégorie de projets ?"),
        FilterKind.DEPARTEMENT: t.gettext("Quel département ?"),
        FilterKind.SORT: t.gettext("Dans quel ordre ?"),
    }
    return prompts[kind]


def filter_keyboard(t: Translator, kind: FilterKind, view: ListView) -> InlineKeyboardMarkup:
    """The choices of one filter; each leads back to the first page of the filtered list."""
    if kind is FilterKind.CATEGORY:
        options = [(labels.category(t, c), replace(view, category=c, page=0)) for c in Category]
        options.append((t.gettext("Toutes les catégories"), replace(view, category=None, page=0)))
        current = view.category and labels.category(t, view.category)
    elif kind is FilterKind.DEPARTEMENT:
        options = [
            (labels.departement(t, d), replace(view, departement=d, page=0)) for d in Departement
        ]
        options.append((t.gettext("Toute la Bretagne"), replace(view, departement=None, page=0)))
        current = view.departement and labels.departement(t, view.departement)
    else:
        options = [(labels.sort(t, o), replace(view, sort=o, page=0)) for o in Order]
        current = labels.sort(t, view.sort)
    rows = [
        [_button(f"✓ {label}" if label == current else label, callbacks.list_page(target))]
        for label, target in options
    ]
    rows.append([_button(t.gettext("↩ Retour"), callbacks.list_page(view))])
    return InlineKeyboardMarkup(rows)


def no_words_text(t: Translator, typed: str) -> str:
    """Typed while browsing, but nothing in it to search for ("🎉", "-5")."""
    return t.gettext(
        "Il n’y a aucun mot à chercher dans « {text} » : tapez au moins deux lettres, "
        "par exemple « fest-noz », « Brest » ou « Finistère »."
    ).format(text=escape_html(typed))


def back_to_list(t: Translator, view: ListView) -> InlineKeyboardMarkup:
    """The way back to the list being browsed, and the main menu."""
    return way_on(t, [_button(t.gettext("↩ Retour à la liste"), callbacks.list_page(view))])


def your_home_text(t: Translator, home: Departement) -> str:
    return t.gettext("📍 Votre département : <b>{departement}</b>").format(
        departement=labels.departement(t, home)
    )


def home_question(t: Translator, home: Departement | None) -> str:
    """The "près de chez moi" choice: the département remembered, if any, and how to choose."""
    lines = [t.gettext("Dans quel département habitez-vous ?")]
    if home is not None:
        lines += ["", your_home_text(t, home)]
    lines += [
        "",
        t.gettext(
            "Vous pouvez aussi m’envoyer votre position (📎 puis « Position ») : je choisirai "
            "le département le plus proche."
        ),
    ]
    return "\n".join(lines)


def home_keyboard(t: Translator, view: ListView, home: Departement | None) -> InlineKeyboardMarkup:
    def label(departement: Departement) -> str:
        name = labels.departement(t, departement)
        return f"✓ {name}" if departement is home else name

    rows = [[_button(label(d), callbacks.home(d, view))] for d in Departement]
    if home is not None:
        rows.append([_button(t.gettext("✖ Oublier mon département"), callbacks.home(None, view))])
    rows.append([_button(t.gettext("↩ Retour"), callbacks.list_page(view))])
    return InlineKeyboardMarkup(rows)


def located_text(t: Translator, home: Departement, *, far: bool) -> str:
    """What a shared location decided, and that it is now the "près de chez moi" choice."""
    departement = labels.departement(t, home)
    if far:
        text = t.gettext(
            "📍 Vous semblez loin de la Bretagne : le département breton le plus proche de votre "
            "position est <b>{departement}</b>."
        )
    else:
        text = t.gettext("📍 D’après votre position, votre département est <b>{departement}</b>.")
    remembered = t.gettext(
        "Je le retiens pour « Près de chez moi » : « Changer de département » permet d’en "
        "choisir un autre."
    )
    return f"{text.format(departement=departement)}\n{remembered}"


def home_forgotten_text(t: Translator) -> str:
    return t.gettext(
        "📍 Votre département est oublié : « Près de chez moi » vous le demandera de nouveau."
    )
