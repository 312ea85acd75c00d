"""The HTTP server: health check, Stripe webhooks and, in webhook mode, Telegram updates."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

import stripe
from aiohttp import web
from telegram.ext import Application

from bot.context import Runtime
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
    app.router.add_get("/metrics", metrics)
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


async def metrics(request: web.Request) -> web.Response:
    """Prometheus exposition of this process's counters and the database gauges."""
    runtime = request.app[RUNTIME]
    body = await runtime.metrics.render(runtime.engine)
    return web.Response(body=body, content_type="text/plain", charset="utf-8")


async def telegram_webhook(request: web.Request) -> web.Response:
    """Accept an update from Telegram: check the secret, queue the update, answer at once."""
    runtime, application = request.app[RUNTIME], request.app[APPLICATION]
    expected = runtime.settings.telegram_webhook_secret
    given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
    if expected is None or not hmac.compare_digest(
        given.encode(), expected.get_secret_value().encode()
    ):
        log.warning("rejected a Telegram webhook call without the right secret token")
        return web.json_response({"error": "forbidden"}, status=403)
    try:
        payload = await request.json(loads=json.loads)
    except ValueError:
        return web.json_response({"error": "malformed JSON"}, status=400)
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return web.json_response({"error": "not an update"}, status=400)
    if not await runtime.services.webhook_updates.first_time(payload["update_id"]):
        runtime.metrics.updates_redelivered.inc()
        log.info("update %s already received: ignored", payload["update_id"])
        return web.json_response({"ok": True, "duplicate": True})
    update = read_update(payload, application.bot)
    # An update we cannot read is acknowledged anyway: Telegram's retries would not fix it.
    if update is not None:
        await application.update_queue.put(update)
    return web.json_response({"ok": True})


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
    is_new = await runtime.services.payment_events.handle(event.id, event.type, data)
    results.labels("applied" if is_new else "duplicate").inc()
    log.info("stripe event %s %s", event.type, "applied" if is_new else "replayed",
             extra={"stripe_event_id": event.id})  # fmt: skip
    return web.json_response({"received": True, "duplicate": not is_new})
