"""Reading the "keep in touch" form: an address, and optionally a name and an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.form_guard import HONEYPOT, filled_honeypot
from chalicelib.core.validation import Form

FIELDS = {"email", "name", "organisation", HONEYPOT}
MAX_NAME = 120
MAX_ORGANISATION = 150


@dataclass(frozen=True)
class SubscriptionRequest:
    email: str
    name: str
    organisation: str
    # The hidden "website" field: people never see it, form-filling robots do.
    by_robot: bool


def read_subscription(data: dict[str, Any]) -> tuple[SubscriptionRequest | None, Form]:
    form = Form(data)
    form.unknown(FIELDS)
    email = form.email()
    name = form.line("name", "your name", max_len=MAX_NAME, required=False)
    organisation = form.line("organisation", "your organisation", max_len=MAX_ORGANISATION, required=False)
    form.values.pop(HONEYPOT, None)
    if not form.ok or email is None:
        return None, form
    return SubscriptionRequest(email=email, name=name or "", organisation=organisation or "",
                               by_robot=filled_honeypot(data)), form
