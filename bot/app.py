"""Build the python-telegram-bot Application with everything handlers need."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
)

from bot.config import Settings
from bot.db import Sessions
from bot.i18n import Catalogs, Translator
from bot.metrics import Metrics
from bot.payments import StripeGateway
from bot.services.campaigns import CampaignService
from bot.services.catalogue import CatalogueService
from bot.services.follows import FollowService
from bot.services.moderation import ModerationService
from bot.services.news import NewsService
from bot.services.owner import OwnerService
from bot.services.payment_events import PaymentEventService
from bot.services.pledges import PledgeService
from bot.services.projects import ProjectService
from bot.services.sharing import SharingService
from bot.services.submissions import SubmissionService
from bot.services.users import Profile, UserService, Visitor
from bot.services.webhook_updates import WebhookUpdates
from bot.telegram_http import AiohttpRequest
from bot.updates import KengoBot, PerUserUpdateProcessor

RUNTIME_KEY = "runtime"


@dataclass
class Services:
    users: UserService
    projects: ProjectService
    catalogue: CatalogueService
    follows: FollowService
    sharing: SharingService
    pledges: PledgeService
    payment_events: PaymentEventService
    campaigns: CampaignService
    news: NewsService
    owner: OwnerService
    submissions: SubmissionService
    moderation: ModerationService
    webhook_updates: WebhookUpdates

    @classmethod
    def create(
        cls,
        sessions: Sessions,
        settings: Settings,
        gateway: StripeGateway | None = None,
    ) -> Services:
        return cls(
            users=UserService(sessions, settings.default_locale),
            projects=ProjectService(sessions),
            catalogue=CatalogueService(sessions),
            follows=FollowService(sessions),
            sharing=SharingService(sessions),
            pledges=PledgeService(
                sessions,
                gateway,
                max_cents=settings.pledge_max_eur * 100,
                checkout_minutes=settings.checkout_minutes,
            ),
            payment_events=PaymentEventService(sessions),
            campaigns=CampaignService(sessions, gateway),
            news=NewsService(sessions),
            owner=OwnerService(sessions),
            submissions=SubmissionService(sessions, settings.pledge_max_eur * 100),
            moderation=ModerationService(sessions),
            webhook_updates=WebhookUpdates(sessions),
        )


@dataclass
class Runtime:
    """What the bot shares between updates; built once per process, never at import time."""

    settings: Settings
    engine: AsyncEngine
    catalogs: Catalogs
    services: Services
    metrics: Metrics = field(default_factory=Metrics)

    def is_moderator(self, user_id: int) -> bool:
        return user_id in self.settings.moderator_ids


class KengoContext(CallbackContext[KengoBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The handlers' context: the runtime, and the current user's profile, read once per update."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], **kwargs: Any):
        super().__init__(application, **kwargs)
        self._profile: Profile | None = None

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.application.bot_data[RUNTIME_KEY]
        return runtime

    @property
    def services(self) -> Services:
        return self.runtime.services

    async def profile(self, update: Update) -> Profile:
        """The user behind the update, created on first contact (cached for this update)."""
        if self._profile is None:
            user = update.effective_user
            if user is None:
                raise ValueError("update without a user")
            self._profile = await self.services.users.greet(
                Visitor(user.id, user.first_name, user.last_name, user.username, user.language_code)
            )
        return self._profile

    def remember_profile(self, profile: Profile) -> None:
        """Replace the cached profile after the user changed it (e.g. the language)."""
        self._profile = profile

    async def translator(self, update: Update) -> Translator:
        return self.runtime.catalogs.translator((await self.profile(update)).locale)


def build_application(
    settings: Settings, runtime: Runtime
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB application, pointed at `TELEGRAM_API_URL`; polling only when no webhook is set."""
    from handlers import register  # handlers import bot.app: keep the cycle out of import time

    bot = make_bot(settings, rate_limited=True)
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=KengoContext))
        # Different users are served concurrently (each update opens its own session).
        .concurrent_updates(PerUserUpdateProcessor(64))
    )
    if settings.webhook_mode:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[RUNTIME_KEY] = runtime
    register(application)
    return application


def make_bot(settings: Settings, *, rate_limited: bool, pool_size: int = 64) -> KengoBot:
    """A Bot API client pointed at `TELEGRAM_API_URL`, sending HTML without link previews.

    Replies go through python-telegram-bot's rate limiter; the outbox sender has a bot of its
    own without it, since it paces itself (and would otherwise be capped at 30 messages/s).
    Requests go over aiohttp (`bot.telegram_http`): a fraction of httpx's CPU per call.
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


def _limiter(rate: float) -> AIORateLimiter | None:
    return AIORateLimiter(overall_max_rate=rate, max_retries=2) if rate else None


def _file_url(api_url: str) -> str:
    # https://api.telegram.org/bot -> https://api.telegram.org/file/bot (same for self-hosted).
    head, _, tail = api_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if head else api_url
