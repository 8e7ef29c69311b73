"""Add-to-calendar links for web calendars that cannot take an emailed .ics in one click:
Google Calendar and Outlook.com. Apple Calendar (and any other) takes the .ics download."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalicelib.core import clock
from chalicelib.core.text import display_title

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"


def _details(event: dict[str, Any], manage_url: str) -> str:
    return f"{display_title(event)}, hosted by {event['host']}.\nYour registration: {manage_url}"


def google(event: dict[str, Any], manage_url: str) -> str:
    """A Google Calendar 'create event' link, times in UTC shown in the event's own zone."""
    start, end = (clock.parse(event[name]).strftime("%Y%m%dT%H%M%SZ") for name in ("starts_at", "ends_at"))
    return f"{GOOGLE}?" + urlencode({
        "action": "TEMPLATE", "text": display_title(event), "dates": f"{start}/{end}",
        "ctz": event["timezone"], "location": event["venue"], "details": _details(event, manage_url),
    })


def outlook(event: dict[str, Any], manage_url: str) -> str:
    """An Outlook.com 'new event' link (its compose deep link takes ISO 8601 times with offset)."""
    return f"{OUTLOOK}?" + urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": display_title(event),
        "startdt": event["starts_at"], "enddt": event["ends_at"], "location": event["venue"],
        "body": _details(event, manage_url),
    })
