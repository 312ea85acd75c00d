"""Behind a corporate proxy: the bot's Telegram and Stripe traffic follows HTTP(S)_PROXY and
NO_PROXY, as python-telegram-bot's and Stripe's default transports do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from bot.config import load_settings
from bot.payments.gateway import StripeGateway
from bot.telegram.client import make_bot
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn
from tests.serving import free_port

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class ForwardingProxy:
    """A plain HTTP forward proxy: notes each request it carries, then passes it on."""

    def __init__(self) -> None:
        self.carried: list[str] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        target = str(request.url)  # a proxy is sent the whole URL
        self.carried.append(target)
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method, target, headers=request.headers, data=await request.read()
            ) as answer,
        ):
            body = await answer.read()
            return web.Response(status=answer.status, body=body, content_type=answer.content_type)


@pytest.fixture
async def proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ForwardingProxy]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    proxy = ForwardingProxy()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    proxy.url = f"http://127.0.0.1:{port}"
    yield proxy
    await runner.cleanup()


async def test_bot_api_calls_go_through_the_proxy_unless_no_proxy_says_otherwise(
    proxy: ForwardingProxy, emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(telegram_bot_token=TEST_TOKEN, telegram_api_url=emulator.base_url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    async with make_bot(settings, rate_limited=False) as bot:
        assert (await bot.get_me()).is_bot
    assert any(url.endswith("/getMe") for url in proxy.carried)

    carried = len(proxy.carried)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with make_bot(settings, rate_limited=False) as bot:
        assert (await bot.get_me()).is_bot
    assert len(proxy.carried) == carried


async def test_stripe_calls_go_through_the_proxy(
    proxy: ForwardingProxy, stripe_stand_in: StripeStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    gateway = StripeGateway(stripe_stand_in.secret_key, stripe_stand_in.base_url)
    try:
        sessions = [s async for s in gateway.sessions_since(datetime(2026, 1, 1, tzinfo=UTC))]
    finally:
        await gateway.close()
    assert sessions == []
    assert any("/v1/checkout/sessions" in url for url in proxy.carried)
