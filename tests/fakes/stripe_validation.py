"""Stripe's parameter rules for the stand-in, and the error objects it answers with.

The readers here take a decoded form (see ``stripe_forms``) and either return a checked value
or raise :class:`StripeError` with the message, code and ``param`` Stripe would send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stripe.params import RefundCreateParams
from stripe.params.checkout import (
    SessionCreateParams,
    SessionCreateParamsLineItem,
    SessionCreateParamsLineItemPriceData,
    SessionCreateParamsLineItemPriceDataProductData,
    SessionCreateParamsPaymentIntentData,
)

# The Checkout locales Stripe accepts (mirrors the Literal in the library's
# SessionCreateParams). Breton ("br") is not among them, so Stripe rejects it.
CHECKOUT_LOCALES = frozenset(
    {
        "auto",
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "en-GB",
        "es",
        "es-419",
        "et",
        "fi",
        "fil",
        "fr",
        "fr-CA",
        "hi-IN",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "ms",
        "mt",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sl",
        "sv",
        "th",
        "tr",
        "vi",
        "zh",
        "zh-HK",
        "zh-TW",
    }
)
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")

MIN_EXPIRY_S = 30 * 60
MAX_EXPIRY_S = 24 * 60 * 60
MIN_CHARGE_EUR = 50  # Stripe's minimum charge amount for EUR, in cents.
MAX_CHARGE = 99_999_999  # Stripe caps a single charge at 8 digits.

# Stripe rejects any parameter it does not know with `parameter_unknown`; the library's own
# TypedDicts list the real ones (minus the request options it mixes into them).
_OPTION_KEYS = {
    "api_key",
    "stripe_version",
    "stripe_account",
    "stripe_context",
    "max_network_retries",
    "idempotency_key",
    "content_type",
    "headers",
}
SESSION_PARAMS = frozenset(SessionCreateParams.__annotations__) - _OPTION_KEYS
REFUND_PARAMS = frozenset(RefundCreateParams.__annotations__) - _OPTION_KEYS
INTENT_DATA_PARAMS = frozenset(SessionCreateParamsPaymentIntentData.__annotations__)
_LINE_ITEM_PARAMS = frozenset(SessionCreateParamsLineItem.__annotations__)
_PRICE_DATA_PARAMS = frozenset(SessionCreateParamsLineItemPriceData.__annotations__)
_PRODUCT_DATA_PARAMS = frozenset(SessionCreateParamsLineItemPriceDataProductData.__annotations__)


class StripeError(Exception):
    """An API error: the HTTP status plus the ``error`` object Stripe puts in the body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        return {"error": error}


def missing(param: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def invalid(kind: str, param: str) -> StripeError:
    """A parameter of the wrong shape: `kind` is "object" or "array"."""
    return StripeError(400, f"Invalid {kind}", code=f"parameter_invalid_{kind}", param=param)


def no_such(kind: str, object_id: str, param: str, *, status: int = 404) -> StripeError:
    return StripeError(
        status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


def known_only(params: dict[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
    for key in params:
        if key not in allowed:
            name = f"{prefix}[{key}]" if prefix else key
            raise StripeError(
                400,
                f"Received unknown parameter: {name}",
                code="parameter_unknown",
                param=name,
            )


def nested(
    value: Any, allowed: frozenset[str], param: str, *, required: bool = False
) -> dict[str, Any]:
    """A hash parameter such as `line_items[0][price_data]`, holding only known keys."""
    if not isinstance(value, dict):
        raise missing(param) if required else invalid("object", param)
    known_only(value, allowed, param)
    return value


def string(params: dict[str, Any], key: str, param: str, *, required: bool = False) -> str | None:
    value = params.get(key)
    if value is None:
        if required:
            raise missing(param)
        return None
    if not isinstance(value, str):
        raise StripeError(
            400, f"Invalid string: {value!r}", code="parameter_invalid_string", param=param
        )
    if value == "" and required:
        # Stripe reads an empty string as "unset", which a required field cannot be.
        raise StripeError(
            400,
            f"You passed an empty string for '{param}'. We assume empty values are an attempt "
            f"to unset a parameter; however '{param}' cannot be unset. You should remove "
            f"'{param}' from your request or supply a non-empty value.",
            code="parameter_invalid_empty",
            param=param,
        )
    return value or None


def integer(
    params: dict[str, Any],
    key: str,
    param: str,
    *,
    required: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise missing(param)
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise StripeError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        )
    number = int(value)
    if minimum is not None and number < minimum:
        raise _out_of_range(param, f"greater than or equal to {minimum}")
    if maximum is not None and number > maximum:
        raise _out_of_range(param, f"less than or equal to {maximum}")
    return number


def _out_of_range(param: str, bound: str) -> StripeError:
    return StripeError(
        400, f"This value must be {bound}.", code="parameter_invalid_integer", param=param
    )


def metadata(value: Any, param: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid("object", param)
    # An empty value unsets a key, so it never shows up on the object.
    result = {k: v for k, v in value.items() if v != ""}
    if len(result) > 50:
        raise StripeError(
            400, "You can have at most 50 metadata keys.", code="parameter_invalid", param=param
        )
    for key, item in result.items():
        if not isinstance(item, str):
            raise StripeError(400, "Invalid string", param=f"{param}[{key}]")
        if len(key) > 40:
            raise StripeError(
                400,
                "Metadata keys can have up to 40 characters, but you passed in a key that is "
                f"{len(key)} characters. Invalid key: '{key}'",
                param=f"{param}[{key}]",
            )
        if len(item) > 500:
            raise StripeError(
                400,
                "Metadata values can have up to 500 characters, but you passed in a value that "
                f"is {len(item)} characters.",
                param=f"{param}[{key}]",
            )
    return result


def url(params: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = string(params, key, key, required=required)
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise StripeError(400, "Not a valid URL", code="url_invalid", param=key)
    return value


def expand_paths(params: dict[str, Any]) -> list[str]:
    value = params.get("expand")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise invalid("array", "expand")


@dataclass(frozen=True)
class LineItemParams:
    name: str
    unit_amount: int
    quantity: int


def line_items(raw: Any) -> tuple[str, list[LineItemParams]]:
    """Check a session's `line_items` (inline EUR `price_data` only); returns the currency."""
    if raw is None or raw == "" or raw == []:
        raise missing("line_items")
    if not isinstance(raw, list):
        raise invalid("array", "line_items")
    if len(raw) > 100:
        raise StripeError(400, "You can have at most 100 line items.", param="line_items")
    currency: str | None = None
    items = []
    for i, raw_item in enumerate(raw):
        prefix = f"line_items[{i}]"
        item = nested(raw_item, _LINE_ITEM_PARAMS, prefix)
        if "price" in item:
            raise StripeError(
                400,
                "This stand-in only supports inline price_data, not saved Prices.",
                param=f"{prefix}[price]",
            )
        price_param = f"{prefix}[price_data]"
        price = nested(item.get("price_data"), _PRICE_DATA_PARAMS, price_param, required=True)
        currency_param = f"{price_param}[currency]"
        item_currency = string(price, "currency", currency_param, required=True)
        assert item_currency is not None
        item_currency = item_currency.lower()
        if item_currency != "eur":
            raise StripeError(
                400, "This stand-in only supports currency=eur.", param=currency_param
            )
        if currency is not None and item_currency != currency:
            # Stripe requires every line item of a session to share one currency.
            raise StripeError(
                400, "All line items must have the same currency.", param=currency_param
            )
        currency = item_currency
        unit_amount = integer(
            price, "unit_amount", f"{price_param}[unit_amount]", required=True, minimum=0
        )
        product_param = f"{price_param}[product_data]"
        product = nested(
            price.get("product_data"), _PRODUCT_DATA_PARAMS, product_param, required=True
        )
        name = string(product, "name", f"{product_param}[name]", required=True)
        quantity = integer(item, "quantity", f"{prefix}[quantity]", required=True, minimum=1)
        assert name is not None
        assert unit_amount is not None
        assert quantity is not None
        items.append(LineItemParams(name, unit_amount, quantity))
    assert currency is not None
    return currency, items


def created_range(params: dict[str, Any], objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Filter a list by `created` (a timestamp, or a hash of gt, gte, lt, lte), as Stripe does."""
    created = params.get("created")
    if created is None:
        return objects
    if isinstance(created, str):
        exact = integer(params, "created", "created")
        return [o for o in objects if o["created"] == exact]
    bounds = nested(created, frozenset({"gt", "gte", "lt", "lte"}), "created")
    tests = {
        "gt": lambda value, bound: value > bound,
        "gte": lambda value, bound: value >= bound,
        "lt": lambda value, bound: value < bound,
        "lte": lambda value, bound: value <= bound,
    }
    for name in bounds:
        bound = integer(bounds, name, f"created[{name}]")
        if bound is not None:
            objects = [o for o in objects if tests[name](o["created"], bound)]
    return objects
