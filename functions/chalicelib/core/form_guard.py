"""Telling bots from people on public forms, without ever dropping a person's form unseen.

A filled honeypot (a field people never see) is a bot for sure: it is answered as a person
would be, and nothing is written or sent. A browser form posted sooner than MIN_FILL_SECONDS
after it was served (or without its stamp) is only doubtful: autofill is that fast. The form
comes back with the values kept, asking the person to press its button again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.core import clock
from chalicelib.core.validation import Form

HONEYPOT = "website"
FORM_STARTED = "form_started"
MIN_FILL_SECONDS = 2
PRESS_AGAIN = "Please confirm you are a person: check your details and press the button again."


def form_started_stamp(now: datetime | None = None) -> str:
    """The value of a form's hidden `form_started` field: when the page was served."""
    return str(int((now or clock.now()).timestamp()))


def _stamp(data: dict[str, Any]) -> int | None:
    raw = data.get(FORM_STARTED)
    if not isinstance(raw, str) or not raw.strip().isdigit() or len(raw.strip()) > 12:
        return None
    return int(raw.strip())


def kept_stamp(data: dict[str, Any], now: datetime | None = None) -> str:
    """The stamp to serve again with a form sent back: the original, so time spent still counts
    (one from the future was not ours, and is replaced)."""
    stamp = _stamp(data)
    fresh = form_started_stamp(now)
    return str(stamp) if stamp is not None and stamp <= int(fresh) else fresh


def filled_honeypot(data: dict[str, Any]) -> bool:
    honeypot = data.get(HONEYPOT)
    return honeypot not in (None, "") and honeypot != [""]


def too_fast(data: dict[str, Any], *, browser_form: bool, now: datetime | None = None) -> bool:
    """A browser form posted sooner than a person could fill it in, or without its stamp.

    Only browser forms carry `form_started`; JSON API clients are not held to a fill time.
    """
    if not browser_form:
        return False
    stamp = _stamp(data)
    if stamp is None:
        return True
    # A stamp from the future was not served by us, and counts as too fast.
    return int((now or clock.now()).timestamp()) - stamp < MIN_FILL_SECONDS


@dataclass(frozen=True)
class EmailRequest:
    """An address typed into a public form that only asks for an emailed link."""

    email: str
    # The hidden "website" field: people never see it, form-filling robots do.
    by_robot: bool


def read_email_request(data: dict[str, Any]) -> tuple[EmailRequest | None, Form]:
    """A form of one address and the honeypot (a vote for a topic, a personal poll link)."""
    form = Form(data)
    form.unknown({"email", HONEYPOT})
    email = form.email()
    form.values.pop(HONEYPOT, None)
    if not form.ok or email is None:
        return None, form
    return EmailRequest(email=email, by_robot=filled_honeypot(data)), form
