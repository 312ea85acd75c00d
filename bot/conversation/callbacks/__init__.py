"""The callback-data scheme: short namespaced strings, built and parsed only here.

Format: `<namespace>:<part>[:<part>...]`, at most 64 bytes (Telegram's limit). Anything that does
not parse is treated as a stale or forged button, never trusted. Buttons already sent stay in
users' chats: an encoded string, once released, never changes.

| module           | namespaces                                                  |
|------------------|-------------------------------------------------------------|
| `scheme.py`      | the shared format: `Namespace`, building, parsing, `pattern` |
| `list_views.py`  | a catalogue list as one part (`<view>` below)               |
| `browsing.py`    | `ls` `lf` `nm` `hd` `pj` `pa` `uf`: the catalogue and cards  |
| `pledging.py`    | `pl` `so`: pledging, and the answer after a sell-out         |
| `owners.py`      | `ow` `nw` `bk`: owners, news posts, backers                  |
| `submissions.py` | `sb` `md`: the submission wizard and moderation             |
| `matches.py`     | `pm`: partner matches, attached by moderators               |
| `menus.py`       | `menu` `lang` `st` `pd`: menu, language, settings, data     |
| `alerts.py`      | `al`: launch alerts                                         |

Callers import from this package only; the names below are what they use.
"""

from __future__ import annotations

from bot.conversation.callbacks.alerts import (
    AlertAction,
    AlertButton,
    alert_list,
    parse_alert,
    remove_alert,
    watch_list,
    watch_owner,
)
from bot.conversation.callbacks.browsing import (
    CardAction,
    FilterKind,
    home,
    list_filter,
    list_page,
    near_me,
    parse_home,
    parse_list_filter,
    parse_list_page,
    parse_near_me,
    parse_project,
    parse_project_action,
    parse_unfollow,
    project,
    project_action,
    unfollow,
)
from bot.conversation.callbacks.list_views import decode_view, encode_view
from bot.conversation.callbacks.matches import (
    MatchAction,
    MatchButton,
    match_button,
    parse_match,
)
from bot.conversation.callbacks.menus import (
    MenuItem,
    MyDataAction,
    Setting,
    language,
    menu,
    my_data,
    parse_language,
    parse_menu,
    parse_my_data,
    parse_setting,
    setting,
)
from bot.conversation.callbacks.owners import (
    BackersAction,
    BackersButton,
    OwnerAction,
    backers,
    news_post,
    owner,
    parse_backers,
    parse_news_post,
    parse_owner,
)
from bot.conversation.callbacks.pledging import (
    PledgeChoice,
    PledgeStep,
    display_pattern,
    parse_pledge,
    parse_sold_out,
    pledge,
    sold_out,
)
from bot.conversation.callbacks.scheme import MAX_BYTES, MAX_ID, Namespace, build, pattern
from bot.conversation.callbacks.submissions import (
    ModerationAction,
    WizardAction,
    moderation,
    parse_moderation,
    parse_wizard,
    wizard,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ID",
    "AlertAction",
    "AlertButton",
    "BackersAction",
    "BackersButton",
    "CardAction",
    "FilterKind",
    "MatchAction",
    "MatchButton",
    "MenuItem",
    "ModerationAction",
    "MyDataAction",
    "Namespace",
    "OwnerAction",
    "PledgeChoice",
    "PledgeStep",
    "Setting",
    "WizardAction",
    "alert_list",
    "backers",
    "build",
    "decode_view",
    "display_pattern",
    "encode_view",
    "home",
    "language",
    "list_filter",
    "list_page",
    "match_button",
    "menu",
    "moderation",
    "my_data",
    "near_me",
    "news_post",
    "owner",
    "parse_alert",
    "parse_backers",
    "parse_home",
    "parse_language",
    "parse_list_filter",
    "parse_list_page",
    "parse_match",
    "parse_menu",
    "parse_moderation",
    "parse_my_data",
    "parse_near_me",
    "parse_news_post",
    "parse_owner",
    "parse_pledge",
    "parse_project",
    "parse_project_action",
    "parse_setting",
    "parse_sold_out",
    "parse_unfollow",
    "parse_wizard",
    "pattern",
    "pledge",
    "project",
    "project_action",
    "remove_alert",
    "setting",
    "sold_out",
    "unfollow",
    "watch_list",
    "watch_owner",
    "wizard",
]
