"""Deep links: `https://t.me/<bot>?start=<payload>`, built and parsed only here.

Telegram allows 1-64 characters of A-Za-z0-9_- in a start payload. A project link is
`p<project id>`, and `p<project id>-<referrer id>` when a user shared it, so that visits and
pledges can be counted per share link, and `p<project id>-c<connected chat>` from a group's
or channel's "Soutenir" button. Stripe's payment page returns to `paid-<pledge id>` or
`cancel-<pledge id>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from bot.conversation.callbacks import MAX_ID

_PROJECT_PAYLOAD = re.compile(r"^p([1-9][0-9]{0,11})(?:-([1-9][0-9]{0,17})|-c([1-9][0-9]{0,11}))?$")
# A connected chat's invite, `c<token>`: what `?startgroup=` hands to the group's /start.
_CHAT_INVITE = re.compile(r"^c([A-Za-z0-9_-]{16})$")
# The administrator rights asked for: pinning the progress message in a group (posting needs
# none); in a channel, posting and editing its own posts (which is also what pinning takes
# there: Telegram has no pinning right for channels).
GROUP_RIGHTS = "pin_messages"
CHANNEL_RIGHTS = "post_messages+edit_messages"
# Where Stripe sends the payer back: `paid-<pledge>` or `cancel-<pledge>`.
_RETURN_PAYLOAD = re.compile(r"^(paid|cancel)-([1-9][0-9]{0,11})$")
RETURN_TEMPLATE = "{outcome}-{pledge}"


@dataclass(frozen=True)
class ProjectLink:
    project_id: int
    referrer_id: int | None = None
    chat_id: int | None = None  # a connected chat (our row id) whose button was pressed


def project_payload(project_id: int, referrer_id: int | None = None) -> str:
    return f"p{project_id}" + (f"-{referrer_id}" if referrer_id else "")


def chat_payload(project_id: int, connected_chat_id: int) -> str:
    """The "Soutenir" link posted in a connected chat: pledges through it count for the chat."""
    return f"p{project_id}-c{connected_chat_id}"


def connect_group_url(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?startgroup=c{token}&admin={GROUP_RIGHTS}"


def connect_channel_url(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?startchannel=c{token}&admin={CHANNEL_RIGHTS}"


def parse_chat_invite(payload: str | None) -> str | None:
    """The invite token of a group's `/start c<token>`, or None."""
    match = _CHAT_INVITE.match(payload or "")
    return match.group(1) if match else None


def parse_payload(payload: str | None) -> ProjectLink | None:
    """A project link from a /start payload, or None for anything else."""
    match = _PROJECT_PAYLOAD.match(payload or "")
    if match is None or int(match.group(1)) > MAX_ID:  # a forged link: no such project
        return None
    referrer = int(match.group(2)) if match.group(2) else None
    chat = int(match.group(3)) if match.group(3) and int(match.group(3)) <= MAX_ID else None
    return ProjectLink(int(match.group(1)), referrer, chat)


def parse_return(payload: str | None) -> tuple[str, int] | None:
    """("paid" or "cancel", pledge id) from a payment page's return link."""
    match = _RETURN_PAYLOAD.match(payload or "")
    if match is None or int(match.group(2)) > MAX_ID:
        return None
    return match.group(1), int(match.group(2))


def start_url(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def payment_return_url(bot_username: str) -> str:
    """Where Stripe sends the payer back, `{outcome}` and `{pledge}` left for the checkout."""
    return start_url(bot_username, RETURN_TEMPLATE)


def share_url(link: str, text: str) -> str:
    """Telegram's share sheet, pre-filled with the link and a short text."""
    return "https://t.me/share/url?" + urlencode({"url": link, "text": text}, quote_via=quote)
