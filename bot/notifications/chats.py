"""What the bot posts in connected groups and channels: the card, the live progress message
(edited in place), and the queued posts (milestones, outcome, news).

The sender runs `ChatPoster.run` beside its workers, so only the deployment's leader posts:
- a connection queues the card (a post of kind `CARD`); the progress message follows it;
- a progress message is looked at once every `every` (a minute) per chat, and edited only when
  what it would show changed (a digest is stored): pledges paid within the minute are
  coalesced, the latest state wins, and an unchanged edit is never sent;
- a chat gets at most `GROUP_LIMIT` messages and edits a minute (Telegram's group limit); a
  post over it waits for the next round;
- an answer meaning the bot can no longer post there (removed, demoted) disconnects the chat
  and tells its owner; a progress message deleted in the chat is posted anew.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.domain import CommunityChat, ProjectCard, utcnow
from bot.i18n.translator import Catalogs, Translator
from bot.notifications.chat_queue import CARD, FAILED, SENT, ChatQueue, community_chat
from bot.notifications.messages import Recipient, render
from bot.storage.engine import Sessions
from bot.telegram.deeplinks import chat_payload, start_url
from bot.telegram.html_limits import CAPTION_LIMIT, fit
from bot.views.community import (
    after_chat_change,
    chat_card,
    disconnected_text,
    pin_refused_text,
    progress_text,
    shown_digest,
    support_keyboard,
)

log = logging.getLogger(__name__)

GROUP_LIMIT = 20  # messages (and edits) a minute in one group, as Telegram allows
WINDOW = 60.0  # seconds
BATCH = 50  # chats or posts looked at per round
# Telegram's words when the bot may no longer post in a chat (besides any 403).
_CANNOT_POST = ("chat not found", "not enough rights", "have no rights", "chat_write_forbidden",
                "need administrator rights", "bot is not a member")  # fmt: skip
_GONE = ("message to edit not found", "message_id_invalid")


class ProjectCards(Protocol):
    """Where the poster reads a project's card (the catalogue's, given by the composition root:
    the card is the catalogue's, the poster only shows it)."""

    async def card(
        self, project_id: int, viewer_id: int, locale: str | None = None
    ) -> ProjectCard | None: ...


class ChatLost(Exception):
    """The bot cannot post in the chat any more."""


class ChatPoster:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Bot,
        catalogs: Catalogs,
        *,
        cards: ProjectCards,
        every: float = 60.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if not isinstance(sessions, Sessions):  # cards are read on autocommit connections
            raise TypeError("ChatPoster needs the bot's Sessions")
        self._sessions = sessions
        self._bot = bot
        self._catalogs = catalogs
        self._cards = cards
        self._every = timedelta(seconds=every)
        self._clock = clock
        self._sent: dict[int, collections.deque[float]] = {}  # chat id: times of recent sends

    async def run(self, stop: asyncio.Event, poll: float) -> None:
        """A round every `poll` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.round()
            except Exception:
                log.exception("connected chats: round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll)

    async def round(self) -> None:
        """Send the queued posts that fit the chats' pace, then refresh due progress messages."""
        async with self._sessions() as session:
            posts = await ChatQueue(session).pending_posts(BATCH)
        for post, row in posts:
            if not self._room(row.chat_id):
                continue
            if post.kind == CARD:
                await self._publish(post.id, community_chat(row))
            else:
                await self._send_post(post.id, community_chat(row), post.kind, post.payload)
        now = self._clock()
        async with self._sessions() as session:
            due = [community_chat(row) for row in
                   await ChatQueue(session).due_progress(now - self._every, BATCH)]  # fmt: skip
        for chat in due:
            if self._room(chat.chat_id):
                await self.refresh(chat, now)

    # -- the card and the progress message ---------------------------------------------------

    async def _publish(self, post_id: int, chat: CommunityChat) -> None:
        """On connection: the card, then the live progress message (pinned if asked)."""
        card = await self._card(chat)
        if card is None:
            await self._done(post_id, FAILED)
            return
        t = self._translator(chat)
        rendered = chat_card(t, card)
        keyboard = support_keyboard(t, card, self._pledge_url(chat))
        try:
            if card.summary.photo_file_id:
                photo = card.summary.photo_file_id
                await self._bot.send_photo(chat.chat_id, photo, caption=rendered.text,
                                           reply_markup=keyboard)  # fmt: skip
            else:
                await self._bot.send_message(chat.chat_id, rendered.text, reply_markup=keyboard)
            self._count(chat.chat_id)
            await self._done(post_id, SENT)
            await self._post_progress(chat, card, self._clock())
        except RetryAfter:
            return  # left pending: the next round tries again
        except (Forbidden, BadRequest) as error:
            await self._done(post_id, FAILED)
            await self._maybe_lost(chat, error)
        except TelegramError as error:
            log.warning("chat %s: card not posted, tried again: %s", chat.chat_id, error)

    async def refresh(self, chat: CommunityChat, now: datetime) -> None:
        """Edit the chat's progress message if what it shows changed (posted anew if gone)."""
        card = await self._card(chat)
        if card is None:  # nothing to show: looked at again in a minute, not at every round
            async with self._sessions.begin() as session:
                await ChatQueue(session).progress_checked(chat.id, now)
            return
        t = self._translator(chat)
        text, keyboard = progress_text(t, card), support_keyboard(t, card, self._pledge_url(chat))
        digest = shown_digest(text, keyboard)
        async with self._sessions() as session:
            message_id, shown = await ChatQueue(session).progress_state(chat.id)
        try:
            if message_id is None:
                await self._post_progress(chat, card, now)
                return
            if digest == shown:
                async with self._sessions.begin() as session:
                    await ChatQueue(session).progress_checked(chat.id, now)
                return
            try:
                await self._bot.edit_message_text(text, chat.chat_id, message_id,
                                                  reply_markup=keyboard)  # fmt: skip
                self._count(chat.chat_id)
            except BadRequest as error:
                if not any(words in str(error).lower() for words in _GONE):
                    raise
                await self._post_progress(chat, card, now)  # deleted in the chat: post anew
                return
            async with self._sessions.begin() as session:
                await ChatQueue(session).progress_checked(chat.id, now, shown=digest)
        except (Forbidden, BadRequest) as error:
            await self._maybe_lost(chat, error)
        except RetryAfter:
            log.warning("chat %s: Telegram asks to slow down; progress edited later", chat.chat_id)
        except TelegramError as error:  # a network error: tried again next minute
            log.warning("chat %s: progress not edited: %s", chat.chat_id, error)

    async def _post_progress(self, chat: CommunityChat, card: ProjectCard, now: datetime) -> None:
        t = self._translator(chat)
        text, keyboard = progress_text(t, card), support_keyboard(t, card, self._pledge_url(chat))
        message = await self._bot.send_message(chat.chat_id, text, reply_markup=keyboard)
        self._count(chat.chat_id)
        async with self._sessions.begin() as session:
            await ChatQueue(session).progress_checked(
                chat.id, now, shown=shown_digest(text, keyboard), message_id=message.message_id
            )
        if chat.pin_progress:
            await self._pin(chat, message)

    async def _pin(self, chat: CommunityChat, message: Message) -> None:
        try:
            await self._bot.pin_chat_message(chat.chat_id, message.message_id,
                                             disable_notification=True)  # fmt: skip
        except (Forbidden, BadRequest) as error:  # not allowed to pin here: the message stays
            log.info("chat %s: progress not pinned: %s", chat.chat_id, error)
            async with self._sessions.begin() as session:
                locale = await ChatQueue(session).pin_refused(chat.id)
            if locale is not None:  # the setting now says "no": the owner learns why
                t = self._catalogs.translator(locale)
                await _tell_owner(self._bot, chat, pin_refused_text(t, chat),
                                  after_chat_change(t, chat.project_id))  # fmt: skip

    # -- queued posts --------------------------------------------------------------------------

    async def _send_post(self, post_id: int, chat: CommunityChat, kind: str,
                         payload: dict[str, object]) -> None:  # fmt: skip
        t = self._translator(chat)
        card = await self._card(chat)
        status = SENT
        try:
            recipient = Recipient(chat.connected_by, chat.project_id, self._bot.username)
            shown = {**payload, "role": "follower"}
            if card is not None and "title" in payload:  # the title in the chat's language
                shown["title"] = card.summary.title
            text, _ = render(t, kind, shown, recipient)
            keyboard = support_keyboard(t, card, self._pledge_url(chat)) if card else None
            photo = payload.get("photo_file_id")
            if photo:
                caption = fit(text, CAPTION_LIMIT).text
                await self._bot.send_photo(chat.chat_id, str(photo), caption=caption,
                                           reply_markup=keyboard)  # fmt: skip
            else:
                await self._bot.send_message(chat.chat_id, text, reply_markup=keyboard)
            self._count(chat.chat_id)
        except (KeyError, ValueError) as error:
            log.error("chat post %s cannot be rendered: %r", post_id, error)
            status = FAILED
        except RetryAfter:
            return  # left pending: the next round tries again
        except (Forbidden, BadRequest) as error:
            status = FAILED
            await self._maybe_lost(chat, error)
        except TelegramError as error:
            log.warning("chat post %s not sent, tried again: %s", post_id, error)
            return
        await self._done(post_id, status)

    async def _done(self, post_id: int, status: str) -> None:
        async with self._sessions.begin() as session:
            await ChatQueue(session).post_done(post_id, status)

    # -- losing a chat -------------------------------------------------------------------------

    async def _maybe_lost(self, chat: CommunityChat, error: TelegramError) -> None:
        """Disconnect the chat when the error means the bot cannot post there; log otherwise."""
        if not isinstance(error, Forbidden) and not any(
            words in str(error).lower() for words in _CANNOT_POST
        ):
            log.warning("chat %s: %s", chat.chat_id, error)
            return
        async with self._sessions.begin() as session:
            lost = await ChatQueue(session).lose(chat.chat_id)
        if lost is not None:
            await tell_owner_lost(self._bot, self._catalogs, lost.chat, lost.project_title,
                                  lost.owner_locale, by_owner=False)  # fmt: skip

    # -- helpers -------------------------------------------------------------------------------

    async def _card(self, chat: CommunityChat) -> ProjectCard | None:
        # In the chat's language: a bilingual project's title and summary as its members read.
        return await self._cards.card(chat.project_id, chat.connected_by, chat.language)

    def _translator(self, chat: CommunityChat) -> Translator:
        return self._catalogs.translator(chat.language)

    def _pledge_url(self, chat: CommunityChat) -> str:
        return start_url(self._bot.username, chat_payload(chat.project_id, chat.id))

    def _room(self, chat_id: int) -> bool:
        """Whether the chat may get one more message within Telegram's group limit."""
        sent = self._sent.setdefault(chat_id, collections.deque())
        while sent and time.monotonic() - sent[0] >= WINDOW:
            sent.popleft()
        return len(sent) < GROUP_LIMIT

    def _count(self, chat_id: int) -> None:
        self._sent.setdefault(chat_id, collections.deque()).append(time.monotonic())


async def tell_owner_lost(
    bot: Bot, catalogs: Catalogs, chat: CommunityChat, project_title: str, locale: str,
    *, by_owner: bool,
) -> None:  # fmt: skip
    """Tell the owner, in private, that a chat is no longer connected."""
    t = catalogs.translator(locale)
    text = disconnected_text(t, chat, project_title, by_owner=by_owner)
    await _tell_owner(bot, chat, text, after_chat_change(t, chat.project_id))


async def _tell_owner(
    bot: Bot, chat: CommunityChat, text: str, keyboard: InlineKeyboardMarkup
) -> None:
    try:
        await bot.send_message(chat.connected_by, text, reply_markup=keyboard)
    except TelegramError as error:  # the owner blocked the bot: the screen shows it anyway
        log.info("owner %s not told of chat %s: %s", chat.connected_by, chat.chat_id, error)
