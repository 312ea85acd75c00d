"""The baseline of `update_handling.py`: a bare python-telegram-bot bot that only echoes.

A text message is answered with `sendMessage` (its own text), a button press by editing the
pressed message into the callback data: one reply per update, like the Kengo bot's handlers. It
has no database, no catalogs and no rate limiter. For fairness it gets what the Kengo bot gets:
64 updates handled concurrently and an HTTP pool of 64 connections (PTB's defaults are 1 and 1).

    python bench/echo_bot.py --token T --api-url URL                  # long polling
    python bench/echo_bot.py --token T --api-url URL --webhook-port P --secret S

Webhook mode: PTB's own webhook server needs tornado, which the project does not install, so a
minimal aiohttp server (as the Kengo bot's) checks the secret header and puts
`Update.de_json(...)` on `application.update_queue`. It stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

CONCURRENT_UPDATES = 64  # bot.server.build_application: PerUserUpdateProcessor(64)
POOL_SIZE = 64  # bot.telegram.client.make_bot: a pool of 64 connections
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.message is not None:
        await context.bot.send_message(update.effective_chat.id, update.message.text or "-")


async def edit_with_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(query.data or "-")


def build(args: argparse.Namespace) -> Application[Any, Any, Any, Any, Any, Any]:
    builder = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(args.api_url)
        .connection_pool_size(POOL_SIZE)
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if args.webhook_port:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo_text))
    application.add_handler(CallbackQueryHandler(edit_with_data))
    return application


async def serve_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], port: int, secret: str
) -> None:
    async def receive(request: web.Request) -> web.Response:
        if request.headers.get(SECRET_HEADER) != secret:
            return web.Response(status=403)
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return web.Response()

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with application:
        await application.start()
        await application.bot.set_webhook(f"http://127.0.0.1:{port}/telegram", secret_token=secret)
        await stop.wait()
        await application.stop()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--token", required=True)
    parser.add_argument("--api-url", required=True, help="e.g. http://127.0.0.1:8081/bot")
    parser.add_argument("--webhook-port", type=int, default=0, help="0: long polling")
    parser.add_argument("--secret", default="echo-bench-secret")
    args = parser.parse_args()
    application = build(args)
    if args.webhook_port:
        asyncio.run(serve_webhook(application, args.webhook_port, args.secret))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)  # stops on SIGTERM


if __name__ == "__main__":
    main()
