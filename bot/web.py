"""The HTTP server: health check, Stripe webhooks and, in webhook mode, Telegram updates."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any, TypeGuard

import stripe
from aiohttp import web
from telegram.ext import Application

from bot.context import Runtime
from bot.payments.events import StripeUnreachable
from bot.storage.engine import ping
from bot.telegram.intake import read_update

log = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)
APPLICATION = web.AppKey("application", Application)
# Stripe signs events of at most a few kB; Telegram updates stay far below this too.
MAX_BODY_BYTES = 1024 * 1024
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def create_web_app(
    runtime: Runtime, application: Application[Any, Any, Any, Any, Any, Any]
) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[RUNTIME] = runtime
    app[APPLICATION] = application
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", runtime.metrics.exposition(runtime.engine))
    app.router.add_post("/stripe/webhook", stripe_webhook)
    if runtime.settings.webhook_mode:
        app.router.add_post("/telegram", telegram_webhook)
    return app


async def healthz(request: web.Request) -> web.Response:
    """200 once the bot runs and the database answers, 503 otherwise."""
    runtime, application = request.app[RUNTIME], request.app[APPLICATION]
    database_ok = await ping(runtime.engine)
    updater = application.updater
    receiving = runtime.settings.webhook_mode or (updater is not None and updater.running)
    bot_ok = application.running and receiving
    status = {
        "status": "ok" if database_ok and bot_ok else "unavailable",
        "database": "ok" if database_ok else "down",
        "bot": "ok" if bot_ok else "starting",
        "mode": "webhook" if runtime.settings.webhook_mode else "polling",
    }
    return web.json_response(status, status=200 if status["status"] == "ok" else 503)


async def telegram_webhook(request: web.Request) -> web.Response:
    """Accept an update from Telegram: check the secret, keep and queue the update, answer."""
    runtime, application = request.app[RUNTIME], request.app[APPLICATION]
    expected = runtime.settings.telegram_webhook_secret
    given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
    if expected is None or not hmac.compare_digest(
        given.encode(), expected.get_secret_value().encode()
    ):
        log.warning("rejected a Telegram webhook call without the right secret token")
        return web.json_response({"error": "forbidden"}, status=403)
    try:
        body = (await request.read()).decode("utf-8")
        # RecursionError: JSON nested deeper than the parser's stack (200,000 brackets).
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        log.warning("rejected a Telegram webhook body that is not JSON: %s", type(error).__name__)
        return web.json_response({"error": "malformed JSON"}, status=400)
    update_id = payload.get("update_id") if isinstance(payload, dict) else None
    if not is_update_id(update_id):
        log.warning("rejected a Telegram webhook body without a usable update_id")
        return web.json_response({"error": "not an update"}, status=400)
    updates = runtime.services.webhook_updates
    # Kept until its handlers have run: a 200 tells Telegram never to send it again.
    if not await updates.accept(update_id, body):
        runtime.metrics.updates_redelivered.inc()
        log.info("update %s already received: ignored", update_id)
        return web.json_response({"ok": True, "duplicate": True})
    update = read_update(payload, application.bot)
    # An update we cannot read is acknowledged anyway: Telegram's retries would not fix it.
    if update is None:
        updates.finished(update_id)
    else:
        await application.update_queue.put(update)
    return web.json_response({"ok": True})


def is_update_id(value: object) -> TypeGuard[int]:
    """An integer the database can store (a BIGINT); `true` is no id, although Python says
    it is an int."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


async def stripe_webhook(request: web.Request) -> web.Response:
    """Verify a Stripe event on its raw body, then apply it once whatever the redeliveries.

    The work is database-only (notifications go to the outbox), so Stripe gets its answer fast.
    """
    runtime = request.app[RUNTIME]
    results = runtime.metrics.stripe_webhooks
    secret = runtime.settings.stripe_webhook_secret
    if secret is None:
        results.labels("unconfigured").inc()
        return web.json_response({"error": "stripe webhooks are not configured"}, status=503)
    body = await request.read()
    try:
        event = stripe.Webhook.construct_event(
            body.decode("utf-8"),
            request.headers.get("Stripe-Signature", ""),
            secret.get_secret_value(),
        )
        data = json.loads(body).get("data", {}).get("object")
        if not isinstance(data, dict) or not isinstance(event.id, str):
            raise ValueError("not an event")
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        results.labels("rejected").inc()
        log.warning("rejected a Stripe webhook call: %s", type(error).__name__)
        return web.json_response({"error": "invalid signature or payload"}, status=400)
    try:
        is_new = await runtime.services.payment_events.handle(event.id, event.type, data)
    except StripeUnreachable:
        # The event needs Stripe's current state to be placed: Stripe will send it again.
        results.labels("deferred").inc()
        return web.json_response({"error": "stripe unreachable, retry later"}, status=503)
    results.labels("applied" if is_new else "duplicate").inc()
    log.info("stripe event %s %s", event.type, "applied" if is_new else "replayed",
             extra={"stripe_event_id": event.id})  # fmt: skip
    return web.json_response({"received": True, "duplicate": not is_new})
