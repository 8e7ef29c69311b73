"""Reading an organiser's event fields, for creation (all required) and for changes (partial)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.core.validation import Form
from chalicelib.events.service import EVENT_FIELDS, OFFER_WINDOW_HOURS, SLIDE_POLICIES, EventInput

MAX_CAPACITY = 10_000
MAX_OFFER_WINDOW_HOURS = 24 * 14
MAX_SPEAKERS = 30
SPEAKER_FIELDS = {"name", "organisation", "role"}


def read_speakers(form: Form, data: dict[str, Any]) -> list[dict[str, str]] | None:
    """The optional `speakers` list: each `{"name", "organisation"?, "role"?}`, one line each;
    a bad entry is named by its place (`speakers[1].name`). None when absent or wrong."""
    raw = data.get("speakers")
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) > MAX_SPEAKERS:
        form.error("speakers", f'Send "speakers" as a list of at most {MAX_SPEAKERS} '
                               '{"name", "organisation", "role"} objects (organisation and role may be left out).')
        return None
    speakers: list[dict[str, str]] = []
    for index, item in enumerate(raw):
        name = f"speakers[{index}]"
        if not isinstance(item, dict):
            form.error(name, 'Each speaker is an object with "name" and, if you like, "organisation" and "role".')
            continue
        one = Form(item)
        one.unknown(SPEAKER_FIELDS)
        values = {"name": one.line("name", "the speaker's name", max_len=120),
                  "organisation": one.line("organisation", "the speaker's organisation", required=False, max_len=150),
                  "role": one.line("role", "the speaker's role", required=False, max_len=120)}
        for field, message in one.errors.items():
            form.error(f"{name}.{field}", message)
        if one.ok:
            speakers.append({field: value for field, value in values.items() if value})
    return speakers if form.ok else None


def _times(form: Form, zone: str | None, required: bool) -> dict[str, datetime | None]:
    return {
        "starts_at": form.moment("starts_at", "the start time", required=required, zone=zone),
        "ends_at": form.moment("ends_at", "the end time", required=required, zone=zone),
        "registration_closes_at": form.moment(
            "registration_closes_at", "when registration closes", required=False, zone=zone
        ),
    }


def read_new_event(data: dict[str, Any]) -> tuple[EventInput | None, dict[str, str]]:
    form = Form(data)
    form.unknown(EVENT_FIELDS)
    title = form.line("title", "a title", max_len=150)
    number = form.integer("number", "the event number", minimum=1, maximum=100_000, required=False)
    zone = form.timezone()
    times = _times(form, zone, required=True)
    venue = form.line("venue", "the venue", max_len=300)
    host = form.line("host", "the host organisation", max_len=150)
    capacity = form.integer("capacity", "the capacity", minimum=1, maximum=MAX_CAPACITY)
    description = form.paragraphs("description", "a description", max_len=5000) or ""
    policy = form.choice("slide_policy", "a slide policy", SLIDE_POLICIES, default="registered")
    speakers = read_speakers(form, data)
    confirm_address = form.boolean("confirm_address")
    window = _offer_window(form, required=False)
    _check_order(form, times)
    if not form.ok:
        return None, form.errors
    assert title and zone and venue and host and capacity and policy
    starts, ends = times["starts_at"], times["ends_at"]
    assert starts and ends
    return EventInput(
        title=title, number=number, starts_at=starts, ends_at=ends, timezone=zone,
        venue=venue, host=host, capacity=capacity, description=description,
        registration_closes_at=times["registration_closes_at"], slide_policy=policy,
        speakers=tuple(speakers or ()), confirm_address=confirm_address,
        offer_window_hours=OFFER_WINDOW_HOURS if window is None else window,
    ), {}


def _offer_window(form: Form, *, required: bool) -> int | None:
    return form.integer("offer_window_hours", "the hours before the start when freed places are offered",
                        minimum=0, maximum=MAX_OFFER_WINDOW_HOURS, required=required)


def read_changes(data: dict[str, Any], current: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate only the fields present; check time order against the stored event."""
    form = Form(data)
    form.unknown(EVENT_FIELDS)
    changes: dict[str, Any] = {}
    if not data:
        form.error("body", "Send at least one field to change.")
    zone = form.timezone() if "timezone" in data else current["timezone"]
    if "timezone" in data and zone:
        changes["timezone"] = zone
    readers = {
        "title": lambda: form.line("title", "a title", max_len=150),
        "number": lambda: form.integer("number", "the event number", minimum=1, maximum=100_000),
        "venue": lambda: form.line("venue", "the venue", max_len=300),
        "host": lambda: form.line("host", "the host organisation", max_len=150),
        "capacity": lambda: form.integer("capacity", "the capacity", minimum=1, maximum=MAX_CAPACITY),
        "description": lambda: form.paragraphs("description", "a description", max_len=5000) or "",
        "slide_policy": lambda: form.choice("slide_policy", "a slide policy", SLIDE_POLICIES),
        "confirm_address": lambda: form.boolean("confirm_address"),
        "offer_window_hours": lambda: _offer_window(form, required=True),
        "starts_at": lambda: form.moment("starts_at", "the start time", zone=zone),
        "ends_at": lambda: form.moment("ends_at", "the end time", zone=zone),
        "registration_closes_at": lambda: form.moment(
            "registration_closes_at", "when registration closes", zone=zone
        ),
    }
    for name, read in readers.items():
        if name in data:
            value = read()
            if value is not None:
                changes[name] = value
    if "speakers" in data:
        speakers = read_speakers(form, data)
        if speakers is not None:
            changes["speakers"] = speakers  # an empty list clears them
    from chalicelib.core import clock

    merged = {
        name: changes.get(name) or (clock.parse(current[name]) if current.get(name) else None)
        for name in ("starts_at", "ends_at", "registration_closes_at")
    }
    _check_order(form, merged)
    return (changes if form.ok else {}), form.errors


def _check_order(form: Form, times: dict[str, datetime | None]) -> None:
    starts, ends, closes = times["starts_at"], times["ends_at"], times["registration_closes_at"]
    if starts and ends and ends <= starts:
        form.error("ends_at", "The end time must be after the start time.")
    if closes and starts and closes > starts:
        form.error("registration_closes_at", "Registration must close before the event starts.")
