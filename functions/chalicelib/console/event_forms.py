"""The event form in the browser: stored events as form values (times in the event's own zone,
as a datetime-local field shows them), and the form's fields as the API's forms read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

FORM_FIELDS = ("title", "number", "starts_at", "ends_at", "timezone", "venue", "host", "capacity",
               "description", "registration_closes_at", "slide_policy", "offer_window_hours", "confirm_address")
# Left empty on the edit form, these keep their stored value (the API's changes take no blank).
KEEP_WHEN_BLANK = ("number", "registration_closes_at", "offer_window_hours")
DEFAULTS = {"timezone": "Europe/London", "slide_policy": "registered", "capacity": "40", "offer_window_hours": "48"}
ZONES = ("Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "America/New_York",
         "America/Chicago", "America/Los_Angeles", "Asia/Singapore", "Australia/Sydney", "UTC")


def local_input(stored: str | None, zone: str) -> str:
    """A stored UTC time as a datetime-local value in the event's zone ("2027-03-09T10:00")."""
    if not stored:
        return ""
    return datetime.fromisoformat(stored).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def values_of(event: dict[str, Any]) -> dict[str, str]:
    """The form's values for a stored event."""
    zone = str(event["timezone"])
    values = {name: "" if event.get(name) is None else str(event[name]) for name in FORM_FIELDS}
    for name in ("starts_at", "ends_at", "registration_closes_at"):
        values[name] = local_input(event.get(name), zone)
    values["confirm_address"] = "on" if event.get("confirm_address") else ""
    return values


def next_event_values(event: dict[str, Any]) -> dict[str, str]:
    """The form for the event after this one: the same fields, number + 1, a month later at the
    same local time (the last day of a shorter month when the day does not exist there)."""
    values = values_of(event)
    if event.get("number") is not None:
        values["number"] = str(int(event["number"]) + 1)
    for name in ("starts_at", "ends_at"):
        values[name] = _a_month_later(values[name])
    values["registration_closes_at"] = ""
    return values


def _a_month_later(local: str) -> str:
    if not local:
        return ""
    import calendar

    moment = datetime.strptime(local, "%Y-%m-%dT%H:%M")
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day).strftime("%Y-%m-%dT%H:%M")


def new_event_data(form: dict[str, Any]) -> dict[str, Any]:
    """The create form's fields, without the optional ones left empty."""
    return {name: value for name, value in form.items()
            if name in FORM_FIELDS and not (name in KEEP_WHEN_BLANK and value == "")}


def changes_data(form: dict[str, Any]) -> dict[str, Any]:
    """The edit form's fields as a PATCH body: blanks that keep their value left out, and
    `notify` and `confirm_address` from their checkboxes (unticked sends nothing, which must mean no)."""
    data = new_event_data(form)
    data["notify"] = "true" if form.get("notify") else "false"
    data["confirm_address"] = "true" if form.get("confirm_address") else "false"
    return data
