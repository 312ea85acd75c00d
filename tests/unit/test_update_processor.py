"""The update processor tells the webhook inbox when an update's handlers have run."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.telegram.intake import PerUserUpdateProcessor


def _update(update_id: int, chat_id: int | None) -> Update:
    if chat_id is None:
        return Update(update_id=update_id)
    chat = {"id": chat_id, "type": "private"}
    message = {"message_id": 1, "date": 0, "chat": chat, "text": "/aide"}
    update = Update.de_json({"update_id": update_id, "message": message}, None)
    assert update is not None
    return update


async def _handlers(calls: list[str], name: str, fail: bool = False) -> None:
    await asyncio.sleep(0)
    calls.append(name)
    if fail:
        raise RuntimeError("a handler's bug the library did not catch")


@pytest.mark.parametrize("chat_id", [42, None], ids=["a chat's update", "no chat"])
async def test_an_update_is_finished_once_its_handlers_have_run(chat_id: int | None) -> None:
    finished: list[int] = []
    calls: list[str] = []
    processor = PerUserUpdateProcessor(8, finished=finished.append)
    await processor.process_update(_update(1, chat_id), _handlers(calls, "first"))
    assert (calls, finished) == (["first"], [1])

    with pytest.raises(RuntimeError):
        await processor.process_update(_update(2, chat_id), _handlers(calls, "boom", fail=True))
    assert finished == [1, 2]  # lest it fail again at every takeover

    await processor.process_update(object(), _handlers(calls, "a Stripe event"))
    assert finished == [1, 2]


async def test_an_update_cancelled_mid_way_is_not_finished() -> None:
    finished: list[int] = []
    processor = PerUserUpdateProcessor(8, finished=finished.append)
    task = asyncio.create_task(processor.process_update(_update(3, 42), asyncio.sleep(10)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert finished == []
