"""Which changes of an event reach its people: a new time, time zone, venue or title moves the
event in their calendars, so confirmed and waiting people are emailed an updated invite.
Capacity, description and the like reach nobody; an organiser fixing a typo says `notify: false`.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.validation import Form

# The fields a calendar entry shows: changing one updates everyone's invite.
CALENDAR_FIELDS = ("starts_at", "ends_at", "timezone", "venue", "title")
NOTIFY = "notify"


def read_notify(data: dict[str, Any]) -> tuple[bool, dict[str, Any], dict[str, str]]:
    """Split `notify` (default true) from the fields to change; errors name it if it is wrong."""
    rest = {name: value for name, value in data.items() if name != NOTIFY}
    if NOTIFY not in data:
        return True, rest, {}
    form = Form(data)
    notify = form.boolean(NOTIFY)
    return notify, rest, form.errors


def moved(before: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """The calendar fields whose stored value actually changes (the same venue sent again is
    no change)."""
    return [name for name in CALENDAR_FIELDS if name in stored and stored[name] != before.get(name)]


def calendar_snapshot(event: dict[str, Any]) -> dict[str, str]:
    """What a person's calendar holds of the event, so an email can say what it was."""
    return {name: str(event[name]) for name in (*CALENDAR_FIELDS, "number") if event.get(name) is not None}
