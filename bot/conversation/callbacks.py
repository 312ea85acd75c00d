"""The callback-data scheme: short namespaced strings, built and parsed only here.

Format: `<namespace>:<part>[:<part>...]`, at most 64 bytes (Telegram's limit). Anything that does
not parse is treated as a stale or forged button, never trusted.

| data                        | button                                             |
|-----------------------------|----------------------------------------------------|
| `menu:<item>`               | main menu                                          |
| `lang:<locale>`             | language choice                                    |
| `ls:<view>`                 | a page of the catalogue                            |
| `lf:<c/d/s>:<view>`         | the category / département / sort choices          |
| `nm:[c:]<view>`             | "near me": the user's own département (c: choose it) |
| `hd:<dep or ->:<view>`      | remember (or forget: -) the user's département     |
| `pj:<id>:<view>`            | a project's card (`<view>`: the list to go back to) |
| `pa:<action>:<id>:<view>`   | a card's buttons (follow, news, more, share, back)  |
| `pl:<step>:<id>:<tier>:<ct>`| pledging: tier, gift, amount, other amount, confirm |
| `uf:<id>`                   | unfollow from the list of followed projects        |
| `st:<setting>`              | settings: language, notifications, reminders        |
| `ow:<action>:<id>`          | owner: project figures, write / send / drop a news  |
| `sb:<step>:<id>:<value>`    | submission wizard: a step's button, edit, save, send |
| `md:<action>:<id>`          | moderation: view, approve, changes, refuse, queue   |
| `nw:<id>`                   | a news post in full ("Lire la suite")               |
| `bk:<a>:<id>:<tier>:<page>` | owner: backers page, CSV export, write to a reward  |
| `pd:<action>`               | a contributor's personal data: show, ask, erase     |

Ids are database keys: a part longer or larger than any key (`MAX_ID`) is forged data,
refused here rather than by the database (PostgreSQL fails on an integer beyond its column).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.domain import MAX_PAGE, Category, Departement, ListView, Order, SoldOutChoice

MAX_BYTES = 64
MAX_ID = 2**31 - 1  # the largest key of an INTEGER column (projects, tiers, pledges, posts)
_PART = re.compile(r"^[a-z0-9_.-]{1,32}$")


class Namespace(enum.StrEnum):
    MENU = "menu"
    LANGUAGE = "lang"
    LIST = "ls"
    LIST_FILTER = "lf"
    NEAR_ME = "nm"
    HOME = "hd"
    PROJECT = "pj"
    PROJECT_ACTION = "pa"
    PLEDGE = "pl"
    UNFOLLOW = "uf"
    SETTING = "st"
    OWNER = "ow"
    SUBMIT = "sb"
    MODERATE = "md"
    SOLD_OUT = "so"
    NEWS_POST = "nw"
    BACKERS = "bk"
    MY_DATA = "pd"


class MenuItem(enum.StrEnum):
    DISCOVER = "discover"
    PROPOSE = "propose"
    PLEDGES = "pledges"
    FOLLOWS = "follows"
    LANGUAGE = "language"
    SETTINGS = "settings"
    HOME = "home"  # the main menu itself, from the end of any journey


# One letter per sort order in callback data.
_SORT_CODES = {
    Order.ENDING_SOON: "e",
    Order.NEWEST: "n",
    Order.ALMOST_FUNDED: "f",
    Order.MOST_BACKED: "b",
}
_SORTS_BY_CODE = {code: sort for sort, code in _SORT_CODES.items()}


class FilterKind(enum.StrEnum):
    CATEGORY = "c"
    DEPARTEMENT = "d"
    SORT = "s"


class CardAction(enum.StrEnum):
    FOLLOW = "f"
    NEWS = "n"
    READ_MORE = "m"
    SHARE = "s"
    PLEDGE = "p"
    BACK = "b"


# Two letters per category keep list views far below Telegram's 64 bytes.
_CATEGORY_CODES = {
    Category.CULTURE: "cu",
    Category.INNOVATION: "in",
    Category.SOLIDARITY: "so",
    Category.HERITAGE: "he",
    Category.ENVIRONMENT: "en",
    Category.SPORT: "sp",
    Category.BRETON_LANGUAGE: "bz",
}
_CATEGORIES_BY_CODE = {code: category for category, code in _CATEGORY_CODES.items()}


def encode_view(view: ListView) -> str:
    category = _CATEGORY_CODES[view.category] if view.category else "-"
    departement = view.departement.value if view.departement else "-"
    sort = _SORT_CODES[view.sort]
    return f"{category}.{departement}.{sort}.{view.page}.{view.query_hash or '-'}"


def decode_view(text: str) -> ListView | None:
    parts = text.split(".")
    if len(parts) != 5:
        return None
    category, departement, sort, page, query_hash = parts
    try:
        return ListView(
            category=None if category == "-" else _CATEGORIES_BY_CODE[category],
            departement=None if departement == "-" else Departement(departement),
            sort=_SORTS_BY_CODE[sort],
            page=_page(page),
            query_hash=None if query_hash == "-" else _hash(query_hash),
        )
    except (KeyError, ValueError):
        return None


def _page(text: str) -> int:
    if not text.isdigit() or int(text) > MAX_PAGE:
        raise ValueError(text)
    return int(text)


def _hash(text: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{6}", text):
        raise ValueError(text)
    return text


def _is_id(text: str) -> bool:
    """A key the database can hold: digits only, at most `MAX_ID` (0 means "none")."""
    return text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID


def build(namespace: Namespace, *parts: str) -> str:
    data = ":".join((namespace.value, *parts))
    if len(data.encode()) > MAX_BYTES or not all(_PART.match(part) for part in parts):
        raise ValueError(f"invalid callback data {data!r}")
    return data


def parse(data: str | None) -> tuple[Namespace, list[str]] | None:
    """Split callback data into its namespace and parts, or None when it is not ours."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    namespace, *parts = data.split(":")
    if namespace not in Namespace.__members__.values() or not all(map(_PART.match, parts)):
        return None
    return Namespace(namespace), parts


def _parts(data: str | None, namespace: Namespace, count: int) -> list[str] | None:
    parsed = parse(data)
    if parsed is None or parsed[0] is not namespace or len(parsed[1]) != count:
        return None
    return parsed[1]


def menu(item: MenuItem) -> str:
    return build(Namespace.MENU, item.value)


def parse_menu(data: str | None) -> MenuItem | None:
    parts = _parts(data, Namespace.MENU, 1)
    try:
        return MenuItem(parts[0]) if parts else None
    except ValueError:
        return None


def language(locale: str) -> str:
    return build(Namespace.LANGUAGE, locale)


def parse_language(data: str | None, supported: tuple[str, ...]) -> str | None:
    parts = _parts(data, Namespace.LANGUAGE, 1)
    return parts[0] if parts and parts[0] in supported else None


def list_page(view: ListView) -> str:
    return build(Namespace.LIST, encode_view(view))


def parse_list_page(data: str | None) -> ListView | None:
    parts = _parts(data, Namespace.LIST, 1)
    return decode_view(parts[0]) if parts else None


def list_filter(kind: FilterKind, view: ListView) -> str:
    return build(Namespace.LIST_FILTER, kind.value, encode_view(view))


def parse_list_filter(data: str | None) -> tuple[FilterKind, ListView] | None:
    parts = _parts(data, Namespace.LIST_FILTER, 2)
    if not parts or parts[0] not in FilterKind.__members__.values():
        return None
    view = decode_view(parts[1])
    return (FilterKind(parts[0]), view) if view else None


_CHOOSE = "c"


def near_me(view: ListView, *, choose: bool = False) -> str:
    """`choose`: offer the choice of a département even when one is remembered (to change it)."""
    parts = (_CHOOSE, encode_view(view)) if choose else (encode_view(view),)
    return build(Namespace.NEAR_ME, *parts)


def parse_near_me(data: str | None) -> tuple[bool, ListView] | None:
    """(whether to offer the choice, the list the button was under)."""
    parsed = parse(data)
    if parsed is None or parsed[0] is not Namespace.NEAR_ME:
        return None
    match parsed[1]:
        case [encoded]:
            choose = False
        case [code, encoded] if code == _CHOOSE:
            choose = True
        case _:
            return None
    view = decode_view(encoded)
    return (choose, view) if view else None


def home(departement: Departement | None, view: ListView) -> str:
    """Remember `departement` as the user's, or forget it (None)."""
    return build(Namespace.HOME, departement.value if departement else "-", encode_view(view))


def parse_home(data: str | None) -> tuple[Departement | None, ListView] | None:
    parts = _parts(data, Namespace.HOME, 2)
    if not parts or parts[0] not in (*Departement.__members__.values(), "-"):
        return None
    view = decode_view(parts[1])
    if view is None:
        return None
    return (None if parts[0] == "-" else Departement(parts[0])), view


def project(project_id: int, view: ListView | None) -> str:
    return build(Namespace.PROJECT, str(project_id), encode_view(view) if view else "-")


def parse_project(data: str | None) -> tuple[int, ListView | None] | None:
    parts = _parts(data, Namespace.PROJECT, 2)
    if not parts or not _is_id(parts[0]):
        return None
    view = None if parts[1] == "-" else decode_view(parts[1])
    if parts[1] != "-" and view is None:
        return None
    return int(parts[0]), view


def project_action(action: CardAction, project_id: int, view: ListView | None) -> str:
    encoded = encode_view(view) if view else "-"
    return build(Namespace.PROJECT_ACTION, action.value, str(project_id), encoded)


def parse_project_action(data: str | None) -> tuple[CardAction, int, ListView | None] | None:
    parts = _parts(data, Namespace.PROJECT_ACTION, 3)
    if not parts or parts[0] not in CardAction.__members__.values() or not _is_id(parts[1]):
        return None
    view = None if parts[2] == "-" else decode_view(parts[2])
    if parts[2] != "-" and view is None:
        return None
    return CardAction(parts[0]), int(parts[1]), view


class PledgeStep(enum.StrEnum):
    TIER = "t"  # a reward was chosen: offer to add a little extra
    GIFT = "g"  # a free gift: offer preset amounts
    AMOUNT = "a"  # an amount was chosen: confirm
    OTHER = "o"  # the user will type the amount
    CONFIRM = "ok"  # go to the payment page
    CANCEL = "x"
    CHANGE = "c"  # the amounts again, even with a pledge open for this reward
    DISPLAY = "d"  # how to appear on the project's card: the choices
    SHOW_NAME = "dn"  # appear by one's first name
    SHOW_NICKNAME = "dk"  # appear by a nickname, typed next
    SHOW_NOTHING = "da"  # appear anonymously


@dataclass(frozen=True)
class PledgeChoice:
    step: PledgeStep
    project_id: int
    tier_id: int | None = None
    amount_cents: int = 0


def pledge(choice: PledgeChoice) -> str:
    parts = (choice.step.value, str(choice.project_id), str(choice.tier_id or 0),
             str(choice.amount_cents))  # fmt: skip
    return build(Namespace.PLEDGE, *parts)


def parse_pledge(data: str | None) -> PledgeChoice | None:
    parts = _parts(data, Namespace.PLEDGE, 4)
    if not parts or parts[0] not in PledgeStep.__members__.values():
        return None
    if not (_is_id(parts[1]) and _is_id(parts[2]) and parts[3].isdigit() and len(parts[3]) <= 12):
        return None
    project_id, tier_id, cents = (int(part) for part in parts[1:])
    return PledgeChoice(PledgeStep(parts[0]), project_id, tier_id or None, cents)


def sold_out(choice: SoldOutChoice, pledge_id: int) -> str:
    """A contributor's answer after their reward sold out: keep as a gift, or be refunded."""
    return build(Namespace.SOLD_OUT, choice.value, str(pledge_id))


def parse_sold_out(data: str | None) -> tuple[SoldOutChoice, int] | None:
    parts = _parts(data, Namespace.SOLD_OUT, 2)
    if not parts or parts[0] not in SoldOutChoice.__members__.values():
        return None
    if not _is_id(parts[1]):
        return None
    return SoldOutChoice(parts[0]), int(parts[1])


class Setting(enum.StrEnum):
    LANGUAGE = "lang"
    NOTIFICATIONS = "notif"
    REMINDERS = "remind"


def unfollow(project_id: int) -> str:
    return build(Namespace.UNFOLLOW, str(project_id))


def parse_unfollow(data: str | None) -> int | None:
    parts = _parts(data, Namespace.UNFOLLOW, 1)
    return int(parts[0]) if parts and _is_id(parts[0]) else None


def setting(which: Setting) -> str:
    return build(Namespace.SETTING, which.value)


def parse_setting(data: str | None) -> Setting | None:
    parts = _parts(data, Namespace.SETTING, 1)
    return Setting(parts[0]) if parts and parts[0] in Setting.__members__.values() else None


class OwnerAction(enum.StrEnum):
    LIST = "l"
    PROJECT = "p"  # <id>: a project
    WRITE_NEWS = "n"  # <id>: a project
    SEND_NEWS = "s"  # <id>: a news draft
    DROP_NEWS = "x"  # <id>: a news draft


def owner(action: OwnerAction, target_id: int = 0) -> str:
    return build(Namespace.OWNER, action.value, str(target_id))


def parse_owner(data: str | None) -> tuple[OwnerAction, int] | None:
    parts = _parts(data, Namespace.OWNER, 2)
    if not parts or parts[0] not in OwnerAction.__members__.values():
        return None
    if not _is_id(parts[1]):
        return None
    return OwnerAction(parts[0]), int(parts[1])


class WizardAction(enum.StrEnum):
    """Buttons of the wizard that are not answers to a step (those carry the step's name)."""

    NEW = "new"  # start a new draft
    OPEN = "open"  # <id>: continue a draft
    EDIT = "edit"  # <id>, <step>: from the preview, change one answer
    SAVE = "save"  # <id>: keep the draft for later
    SEND = "send"  # <id>: submit to the moderators


def wizard(action: str, project_id: int = 0, value: str = "-") -> str:
    """`action`: a `WizardAction`, or the step whose button this is (its value is the answer)."""
    return build(Namespace.SUBMIT, action, str(project_id), value)


def parse_wizard(data: str | None) -> tuple[str, int, str] | None:
    """(action or step, project id, value); the service checks the step and the value."""
    parts = _parts(data, Namespace.SUBMIT, 3)
    if not parts or not _is_id(parts[1]):
        return None
    return parts[0], int(parts[1]), parts[2]


class ModerationAction(enum.StrEnum):
    VIEW = "v"
    APPROVE = "a"
    CHANGES = "c"
    REFUSE = "r"
    QUEUE = "q"  # 0: the projects waiting for a decision (/moderation)
    CLAIM = "k"  # "I'll take it": other moderators leave the submission to the claimer
    TAKE_OVER = "t"  # take over a claim older than a day


def moderation(action: ModerationAction, project_id: int) -> str:
    return build(Namespace.MODERATE, action.value, str(project_id))


def parse_moderation(data: str | None) -> tuple[ModerationAction, int] | None:
    parts = _parts(data, Namespace.MODERATE, 2)
    if not parts or parts[0] not in ModerationAction.__members__.values():
        return None
    if not _is_id(parts[1]):
        return None
    return ModerationAction(parts[0]), int(parts[1])


def pattern(namespace: Namespace) -> str:
    """Regex for a CallbackQueryHandler that routes one namespace."""
    return rf"^{namespace.value}:"


def news_post(post_id: int) -> str:
    return build(Namespace.NEWS_POST, str(post_id))


def parse_news_post(data: str | None) -> int | None:
    parts = _parts(data, Namespace.NEWS_POST, 1)
    return int(parts[0]) if parts and _is_id(parts[0]) and int(parts[0]) > 0 else None


class BackersAction(enum.StrEnum):
    PAGE = "l"  # a page of the backer list (tier 0: every reward)
    EXPORT = "c"  # the CSV export of every paid pledge
    WRITE = "w"  # write to the contributors of one reward


MAX_BACKER_PAGE = 9999


@dataclass(frozen=True)
class BackersButton:
    action: BackersAction
    project_id: int
    tier_id: int | None = None  # None: every reward
    page: int = 0


def backers(button: BackersButton) -> str:
    return build(Namespace.BACKERS, button.action.value, str(button.project_id),
                 str(button.tier_id or 0), str(button.page))  # fmt: skip


def parse_backers(data: str | None) -> BackersButton | None:
    parts = _parts(data, Namespace.BACKERS, 4)
    if not parts or parts[0] not in BackersAction.__members__.values():
        return None
    action, project_id, tier_id, page = parts
    if not (_is_id(project_id) and int(project_id) > 0 and _is_id(tier_id)):
        return None
    if not page.isdigit() or len(page) > 4 or int(page) > MAX_BACKER_PAGE:
        return None
    tier = int(tier_id) or None
    if BackersAction(action) is BackersAction.WRITE and tier is None:
        return None  # a message goes to the contributors of one reward
    return BackersButton(BackersAction(action), int(project_id), tier, int(page))


class MyDataAction(enum.StrEnum):
    SHOW = "s"  # what is stored about the user
    ASK = "a"  # confirm before erasing
    ERASE = "e"


def my_data(action: MyDataAction) -> str:
    return build(Namespace.MY_DATA, action.value)


def parse_my_data(data: str | None) -> MyDataAction | None:
    parts = _parts(data, Namespace.MY_DATA, 1)
    if not parts or parts[0] not in MyDataAction.__members__.values():
        return None
    return MyDataAction(parts[0])
