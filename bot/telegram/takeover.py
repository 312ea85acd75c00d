"""Webhook updates a dead worker left: taken over when this worker starts, then regularly.

A worker's leases last `inbox_lease_seconds`; a third of that apart, it renews its own and looks
for lapsed ones, so a live worker never loses its updates to another and a dead one's are
handled again within one lease and a third. Taken-over updates join the update queue oldest
first, so the updates of one chat still run in order (`PerUserUpdateProcessor`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from typing import Any

from telegram.ext import Application

from bot.telegram.intake import read_update
from bot.telegram.update_ids import TAKEOVER_BATCH, WebhookUpdates

log = logging.getLogger(__name__)


async def keep_taking_over(
    updates: WebhookUpdates,
    application: Application[Any, Any, Any, Any, Any, Any],
    stop: asyncio.Event,
) -> None:
    """Until `stop`: renew this worker's leases and queue the updates left by dead workers."""
    every = updates.lease.total_seconds() / 3
    while not stop.is_set():
        try:
            await updates.renew_leases()
            await take_over_now(updates, application)
        except Exception:
            log.exception("taking over webhook updates failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def take_over_now(
    updates: WebhookUpdates, application: Application[Any, Any, Any, Any, Any, Any]
) -> int:
    """Queue every update whose lease has lapsed; how many."""
    queued = 0
    while True:
        left = await updates.take_over()
        for one in left:
            update = read_update(json.loads(one.payload), application.bot)
            if update is None:
                updates.finished(one.update_id)  # logged; no handler could read it either
                continue
            await application.update_queue.put(update)
            queued += 1
        if len(left) < TAKEOVER_BATCH:
            break
    if queued:
        log.info("took over %d webhook updates a stopped worker had accepted", queued)
    return queued
