"""The wizard's own Bot API calls in the owner's chat: it keeps the ids of the messages it sends
(questions, the preview) to edit them later, so it calls the Bot API directly rather than
through python-telegram-bot's helpers, which build a `Message` nobody reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.submission.wizard import Draft
from bot.telegram.calls import HTML


@dataclass(frozen=True)
class Preview:
    """The preview as rendered: a text, or a photo with `text` as its caption."""

    photo: str | None
    text: str
    markup: InlineKeyboardMarkup


async def call(update: Update, endpoint: str, **params: Any) -> int | None:
    """Send into the update's chat; the new message's id."""
    chat = update.effective_chat
    if chat is None:
        return None
    result = await update.get_bot().do_api_request(
        endpoint, api_kwargs={"chat_id": chat.id, **params, **HTML}
    )
    return result.get("message_id") if isinstance(result, dict) else None


async def send(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> int | None:
    return await call(update, "sendMessage", text=text, reply_markup=markup)


async def edit(
    update: Update, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    if message_id is None:
        return False
    return await attempt(update, "editMessageText", message_id=message_id, text=text,
                         reply_markup=markup)  # fmt: skip


async def attempt(update: Update, endpoint: str, **params: Any) -> bool:
    """Edit (or delete) a message of the chat: whether it is now as asked. An old message that
    cannot be edited any more, or one the owner deleted, is no error: it is replaced."""
    try:
        await call(update, endpoint, **params)
    except BadRequest as error:
        return "not modified" in str(error).lower()
    return True


async def send_preview(update: Update, preview: Preview) -> int | None:
    if preview.photo:
        return await call(update, "sendPhoto", photo=preview.photo, caption=preview.text,
                          reply_markup=preview.markup)  # fmt: skip
    return await send(update, preview.text, preview.markup)


async def edit_preview(update: Update, draft: Draft, preview: Preview) -> bool:
    """Whether the live preview is now up to date: edited, or already so (the same answer
    given again: Telegram refuses an edit that changes nothing). It may be too old, deleted,
    or a text that must now carry a photo (or the reverse): a new one is sent then."""
    if draft.preview_message_id is None:
        return False
    if draft.preview_up_to_date:
        return True
    if draft.preview_is_photo not in (None, preview.photo is not None):  # the old one goes
        await attempt(update, "deleteMessage", message_id=draft.preview_message_id)
        return False
    if not preview.photo:
        return await edit(update, draft.preview_message_id, preview.text, preview.markup)
    media = {"type": "photo", "media": preview.photo, "caption": preview.text,
             "parse_mode": HTML["parse_mode"]}  # fmt: skip
    edited = await attempt(update, "editMessageMedia", message_id=draft.preview_message_id,
                           media=media, reply_markup=preview.markup)  # fmt: skip
    if not edited:  # the old preview cannot become the new one: it goes, a new one comes
        await attempt(update, "deleteMessage", message_id=draft.preview_message_id)
    return edited
