"""What handlers and workers share: the runtime (settings, catalogs, services) and the
per-update context that hands it to handlers with the current user's profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.ext import (
    Application,
    CallbackContext,
)

from bot.catalogue.service import CatalogueService
from bot.config import Settings
from bot.domain import Profile, Visitor
from bot.i18n.translator import Catalogs, Translator
from bot.monitoring.error_reports import ErrorReports
from bot.monitoring.metrics import Metrics
from bot.payments.events import PaymentEventService
from bot.payments.gateway import StripeGateway
from bot.payments.pledges import PledgeService
from bot.services.alerts import LaunchAlertService
from bot.services.backers import BackersService
from bot.services.campaigns import CampaignService
from bot.services.community import CommunityService
from bot.services.follows import FollowService
from bot.services.matching import MatchService
from bot.services.moderation import ModerationService
from bot.services.news import NewsService
from bot.services.owner import OwnerService
from bot.services.projects import ProjectService
from bot.services.sharing import SharingService
from bot.storage.engine import Sessions
from bot.submission.wizard import WizardService
from bot.telegram.intake import KengoBot
from bot.telegram.update_ids import WebhookUpdates
from bot.users.service import UserService

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
    backers: BackersService
    wizard: WizardService
    moderation: ModerationService
    matches: MatchService
    webhook_updates: WebhookUpdates
    alerts: LaunchAlertService
    community: CommunityService

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
                moderators=settings.moderator_ids,
            ),
            payment_events=PaymentEventService(
                sessions, gateway, moderators=settings.moderator_ids
            ),
            campaigns=CampaignService(
                sessions,
                gateway,
                refund_lease=timedelta(seconds=settings.refund_lease_seconds),
                moderators=settings.moderator_ids,
            ),
            news=NewsService(sessions),
            owner=OwnerService(sessions),
            backers=BackersService(sessions),
            wizard=WizardService(sessions, settings.pledge_max_eur * 100),
            moderation=ModerationService(sessions),
            matches=MatchService(sessions),
            webhook_updates=WebhookUpdates(
                sessions, lease=timedelta(seconds=settings.inbox_lease_seconds)
            ),
            alerts=LaunchAlertService(sessions),
            community=CommunityService(sessions),
        )


@dataclass
class Runtime:
    """What the bot shares between updates; built once per process, never at import time."""

    settings: Settings
    engine: AsyncEngine
    catalogs: Catalogs
    services: Services
    metrics: Metrics = field(default_factory=Metrics)
    error_reports: ErrorReports = field(default_factory=ErrorReports)

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
