"""Secrets never reach the logs, not even inside a traceback."""

from __future__ import annotations

import logging

from bot.monitoring.logs import REDACTED, RedactingFormatter

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _format(record: logging.LogRecord) -> str:
    return RedactingFormatter([TOKEN, "sk_test_kengo_secret"]).format(record)


def test_token_in_message_and_arguments_is_redacted() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s", (f"https://api/bot{TOKEN}/getMe",), None
    )
    text = _format(record)
    assert TOKEN not in text
    assert REDACTED in text


def test_token_in_traceback_is_redacted() -> None:
    try:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except RuntimeError as error:
        record = logging.LogRecord(
            "bot", logging.ERROR, __file__, 1, "failed", None, (type(error), error, None)
        )
    text = _format(record)
    assert TOKEN not in text
    assert "RuntimeError" in text


def test_json_lines_carry_context_and_no_secret() -> None:
    import json

    from bot.monitoring.logs import RedactingJsonFormatter

    record = logging.LogRecord(
        "bot.web", logging.INFO, __file__, 1, "stripe event %s", (f"bot{TOKEN}",), None
    )
    record.stripe_event_id = "evt_123"
    line = RedactingJsonFormatter([TOKEN]).format(record)
    parsed = json.loads(line)
    assert "\n" not in line
    assert parsed["level"] == "INFO"
    assert parsed["logger"] == "bot.web"
    assert parsed["stripe_event_id"] == "evt_123"
    assert TOKEN not in line


def test_both_formats_stamp_lines_in_utc_iso_8601() -> None:
    import json
    from datetime import UTC, datetime

    from bot.monitoring.logs import RedactingJsonFormatter

    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "started", None, None)
    # 13:34:56.789 in Brest that day: the machine's own zone must not show.
    record.created = datetime(2026, 12, 6, 12, 34, 56, 789_000, tzinfo=UTC).timestamp()
    assert _format(record).startswith("2026-12-06T12:34:56.789Z INFO bot: started")
    assert json.loads(RedactingJsonFormatter([]).format(record))["time"] == (
        "2026-12-06T12:34:56.789Z"
    )
