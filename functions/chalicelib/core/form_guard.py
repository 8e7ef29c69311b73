"""Turning bots away quietly on public forms: a honeypot field people never see, and a minimum
time between serving a form and its post. A bot is answered as a person would be, and nothing
is written or sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.core import clock

HONEYPOT = "website"
FORM_STARTED = "form_started"
MIN_FILL_SECONDS = 2


def form_started_stamp(now: datetime | None = None) -> str:
    """The value of a form's hidden `form_started` field: when the page was served."""
    return str(int((now or clock.now()).timestamp()))


def _stamp(data: dict[str, Any]) -> int | None:
    raw = data.get(FORM_STARTED)
    if not isinstance(raw, str) or not raw.strip().isdigit() or len(raw.strip()) > 12:
        return None
    return int(raw.strip())


def kept_stamp(data: dict[str, Any]) -> str:
    """The stamp to serve again with a corrected form: the original, so time spent still counts."""
    stamp = _stamp(data)
    return str(stamp) if stamp is not None else form_started_stamp()


def filled_honeypot(data: dict[str, Any]) -> bool:
    honeypot = data.get(HONEYPOT)
    return honeypot not in (None, "") and honeypot != [""]


def looks_automated(data: dict[str, Any], *, browser_form: bool, now: datetime | None = None) -> bool:
    """A filled honeypot, or a browser form posted faster than a person could fill it in.

    Only browser forms carry `form_started`; JSON API clients are not held to a fill time.
    """
    if filled_honeypot(data):
        return True
    if not browser_form:
        return False
    stamp = _stamp(data)
    if stamp is None:
        return True
    # A stamp from the future was not served by us, and counts as too fast.
    return int((now or clock.now()).timestamp()) - stamp < MIN_FILL_SECONDS
