"""Bot API calls whose answer nobody reads: replies, edits and notifications.

python-telegram-bot's `send_message` and `edit_message_text` build a `Message` (its chat, its
sender, its entities, its keyboard) from every answer: about a tenth of the outbox sender's CPU
and of the CPU an update costs (bench/outbox_delivery.py, bench/update_handling.py), for objects
the bot never reads. `do_api_request` goes through the same request code, rate limiter included,
and raises the same errors (`Forbidden`, `RetryAfter`, `BadRequest`...), but hands back the raw
answer. It does not apply the bot's `Defaults`, so these calls carry HTML themselves.
"""

from __future__ import annotations

import warnings

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.warnings import PTBUserWarning

HTML = {"parse_mode": ParseMode.HTML, "link_preview_options": {"is_disabled": True}}

# python-telegram-bot suggests `send_message` when `do_api_request` is used for a method it has.
warnings.filterwarnings("ignore", r"Please use 'Bot\.", PTBUserWarning)


async def call(bot: Bot, endpoint: str, **params: object) -> None:
    """Call `endpoint` (e.g. "sendPhoto") with `params` and HTML text; None values are left out."""
    await bot.do_api_request(endpoint, api_kwargs={**params, **HTML})


async def send_text(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    await call(bot, "sendMessage", chat_id=chat_id, text=text, reply_markup=markup)


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    await call(
        bot, "editMessageText", chat_id=chat_id, message_id=message_id, text=text,
        reply_markup=markup,
    )  # fmt: skip
