"""What a Checkout Session asks the customer besides the payment, for the Stripe stand-in:
the shipping address (`shipping_address_collection`), the name (`name_collection`), and what a
paying customer's answers look like in the completed session.
"""

from __future__ import annotations

import re
from typing import Any

from stripe.params.checkout import (
    SessionCreateParamsNameCollection,
    SessionCreateParamsNameCollectionIndividual,
    SessionCreateParamsShippingAddressCollection,
)

from .stripe_validation import StripeError, invalid, missing, nested

# The countries Stripe ships to: the Literal of `allowed_countries` in the library's types.
ALLOWED_COUNTRIES = frozenset(
    re.findall(
        r"'([A-Z]{2})'",
        str(SessionCreateParamsShippingAddressCollection.__annotations__["allowed_countries"]),
    )
)
_SHIPPING_PARAMS = frozenset(SessionCreateParamsShippingAddressCollection.__annotations__)
_NAME_PARAMS = frozenset(SessionCreateParamsNameCollection.__annotations__)
_NAME_KIND_PARAMS = frozenset(SessionCreateParamsNameCollectionIndividual.__annotations__)


def shipping_collection(raw: Any) -> dict[str, Any] | None:
    """Check `shipping_address_collection`; the session's field as Stripe shows it."""
    if raw is None:
        return None
    param = "shipping_address_collection"
    value = nested(raw, _SHIPPING_PARAMS, param)
    countries = value.get("allowed_countries")
    if countries is None or countries == "":
        raise missing(f"{param}[allowed_countries]")
    if not isinstance(countries, list):
        raise invalid("array", f"{param}[allowed_countries]")
    for index, code in enumerate(countries):
        if code not in ALLOWED_COUNTRIES:
            raise StripeError(
                400,
                f"Invalid {param}[allowed_countries][{index}]: must be one of "
                f"{', '.join(sorted(ALLOWED_COUNTRIES))}",
                code="parameter_invalid_string",
                param=f"{param}[allowed_countries][{index}]",
            )
    return {"allowed_countries": list(countries)}


def name_collection(raw: Any) -> dict[str, Any] | None:
    """Check `name_collection`; the session's field as Stripe shows it."""
    if raw is None:
        return None
    value = nested(raw, _NAME_PARAMS, "name_collection")
    shown: dict[str, Any] = {}
    for kind in ("business", "individual"):
        if kind not in value:
            continue
        param = f"name_collection[{kind}]"
        part = nested(value[kind], _NAME_KIND_PARAMS, param)
        shown[kind] = {
            "enabled": _boolean(part.get("enabled"), f"{param}[enabled]", required=True),
            "optional": _boolean(part.get("optional", "false"), f"{param}[optional]"),
        }
    return shown


def _boolean(value: Any, param: str, *, required: bool = False) -> bool:
    if value is None and required:
        raise missing(param)
    if value not in ("true", "false"):
        raise invalid("boolean", param)
    return value == "true"


DEFAULT_ADDRESS = {
    "line1": "1 rue de la Paix",
    "line2": None,
    "postal_code": "29000",
    "city": "Quimper",
    "state": None,
}


def customer_answers(
    session: dict[str, Any],
    *,
    email: str | None,
    name: str | None,
    address: dict[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """What the payment page stores once the customer submits it: `customer_details` (email;
    the name asked by `name_collection`) and `collected_information` (shipping details, when
    the session asked for an address: the page cannot be submitted without one)."""
    email = email or session["customer_email"] or "payer@example.com"
    name = name or "Test Payer"
    asked_name = (session.get("name_collection") or {}).get("individual", {}).get("enabled")
    details = {
        "address": None,
        "business_name": None,
        "email": email,
        "individual_name": name if asked_name else None,
        "name": name,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }
    asked = session.get("shipping_address_collection")
    if asked is None:
        if address is not None:
            raise ValueError("this session asks for no shipping address")
        return details, None
    allowed = asked["allowed_countries"]
    shipped = {**DEFAULT_ADDRESS, "country": allowed[0], **(address or {})}
    if shipped["country"] not in allowed:
        raise ValueError(f"the payment page offers no {shipped['country']} address")
    collected = {
        "business_name": None,
        "individual_name": None,
        "shipping_details": {"name": name, "address": shipped},
    }
    return details, collected
