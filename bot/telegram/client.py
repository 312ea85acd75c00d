"""The Bot API client: pointed at `TELEGRAM_API_URL`, over aiohttp, sending HTML."""

from __future__ import annotations

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Defaults

from bot.config import Settings
from bot.telegram.intake import KengoBot
from bot.telegram.retries import RetryServerErrors
from bot.telegram.transport import AiohttpRequest


def make_bot(settings: Settings, *, rate_limited: bool, pool_size: int = 64) -> KengoBot:
    """A Bot API client pointed at `TELEGRAM_API_URL`, sending HTML without link previews.

    Replies go through python-telegram-bot's rate limiter; the outbox sender has a bot of its
    own without it, since it paces itself (and would otherwise be capped at 30 messages/s).
    Requests go over aiohttp (`bot.telegram.transport`): a fraction of httpx's CPU per call.
    """
    return KengoBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=_file_url(settings.telegram_api_url),
        request=AiohttpRequest(connection_pool_size=pool_size),
        # Long polling holds its connection for up to `timeout` seconds: give it its own pool.
        get_updates_request=AiohttpRequest(connection_pool_size=2),
        defaults=Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        rate_limiter=_limiter(settings.reply_rate) if rate_limited else None,
    )


def _limiter(rate: float) -> RetryServerErrors:
    # Replies are paced (when a rate is set), and tried again after a passing server error.
    return RetryServerErrors(AIORateLimiter(overall_max_rate=rate, max_retries=2) if rate else None)


def _file_url(api_url: str) -> str:
    # https://api.telegram.org/bot -> https://api.telegram.org/file/bot (same for self-hosted).
    head, _, tail = api_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if head else api_url
