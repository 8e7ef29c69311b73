"""Club events: create, read, change and list, with the rules that keep an event coherent."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.core import clock, keys, outbox, store
from chalicelib.core.errors import Invalid
from chalicelib.events import changes as event_changes

EVENT_FIELDS = {
    "title", "number", "starts_at", "ends_at", "timezone", "venue", "host", "capacity",
    "description", "registration_closes_at", "slide_policy", "speakers", "confirm_address",
    "offer_window_hours",
}
# Shown with the event, never set by a change: a cancelled event says so, and the calendar
# sequence its invites carry.
SHOWN_FIELDS = ("cancelled_at", "cancel_message", "sequence")
COUNTS = ("confirmed", "waitlisted", "cancelled", "attended", "offered")
# A freed place is offered (not given) to the first waiting person this close to the start.
OFFER_WINDOW_HOURS = 48
SLIDE_POLICIES = ("registered", "consented", "public")


class CapacityTooSmall(Invalid):
    """Capacity may not drop below the number of people already confirmed."""

    def __init__(self, confirmed: int) -> None:
        super().__init__({"capacity": f"{confirmed} people are already confirmed; "
                                      "capacity cannot be lower than that."})


@dataclass(frozen=True)
class EventInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    host: str
    capacity: int
    number: int | None = None
    description: str = ""
    registration_closes_at: datetime | None = None
    slide_policy: str = "registered"
    # The panel or speakers: {"name", "organisation"?, "role"?} each, in the order given.
    speakers: tuple[dict[str, str], ...] = ()
    # A new registration holds its place only once its emailed link is opened.
    confirm_address: bool = False
    offer_window_hours: int = OFFER_WINDOW_HOURS


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:40].strip("-") or "event"


def public_view(item: dict[str, Any]) -> dict[str, Any]:
    """The event as the API shows it: no key attributes."""
    view = {k: v for k, v in item.items()
            if k in EVENT_FIELDS or k in SHOWN_FIELDS or k in ("event_id", "created_at", "updated_at")}
    view["counts"] = counts(item)
    return view


def counts(item: dict[str, Any]) -> dict[str, int]:
    """The event's counts as people read them. The stored `confirmed` counts every place taken,
    those held for an open offer included (so one condition, confirmed < capacity, keeps the
    capacity); shown, an offered place is an offer, not yet a confirmed person."""
    shown = {name: int(item.get(name, 0)) for name in COUNTS}
    shown["confirmed"] -= shown["offered"]
    return shown


def create_event(data: EventInput, organiser: str) -> dict[str, Any]:
    """Store a new event with its announcement (reminders are scheduled from that)."""
    event_id = f"{_slug(data.title)}-{secrets.token_hex(3)}"
    now = clock.iso(clock.now())
    starts = clock.iso(data.starts_at)
    item: dict[str, Any] = {
        **keys.event(event_id),
        **keys.event_listing(starts, event_id),
        "event_id": event_id,
        "title": data.title,
        "number": data.number,
        "starts_at": starts,
        "ends_at": clock.iso(data.ends_at),
        "timezone": data.timezone,
        "venue": data.venue,
        "host": data.host,
        "capacity": data.capacity,
        "description": data.description,
        "registration_closes_at": clock.iso(data.registration_closes_at) if data.registration_closes_at else None,
        "slide_policy": data.slide_policy,
        "confirm_address": data.confirm_address,
        "offer_window_hours": data.offer_window_hours,
        "created_at": now,
        "updated_at": now,
        "created_by": organiser,
        **{name: 0 for name in COUNTS},
    }
    if data.speakers:
        item["speakers"] = list(data.speakers)
    store.transact([
        store.put_op(item, "attribute_not_exists(pk)"),
        outbox.entry("EventScheduled", {"event_id": event_id, "starts_at": starts, "ends_at": item["ends_at"]}),
    ])
    return item


def get_event(event_id: str) -> dict[str, Any] | None:
    return store.get(keys.event(event_id))


def update_event(event_id: str, changes: dict[str, Any], *, notify: bool = True) -> dict[str, Any] | None:
    """Apply validated changes; None if the event does not exist.

    Raises CapacityTooSmall when the new capacity is below the confirmed count. A capacity
    increase is announced so the waiting list can be promoted; a new time, zone, venue or title
    raises the calendar sequence and, unless `notify` is false, is announced to its people. The
    change and its announcement are stored in one transaction.
    """
    if not changes:
        return get_event(event_id)
    stored: dict[str, Any] = {}
    for name, value in changes.items():
        stored[name] = clock.iso(value) if isinstance(value, datetime) else value
    stored["updated_at"] = clock.iso(clock.now())
    if "starts_at" in stored:
        stored.update(keys.event_listing(stored["starts_at"], event_id))
    before = get_event(event_id)
    for _ in range(store.ATTEMPTS):
        if before is None:
            return None
        change, after = _change(event_id, before, stored, sorted(changes), notify)
        try:
            store.transact(change)
        except store.ConditionFailed as refused:
            current = refused.old_item(0)
            if current is None:
                return None
            if _announced_fields(current) == _announced_fields(before):
                raise CapacityTooSmall(int(current.get("confirmed", 0))) from None
            before = current  # changed meanwhile: announce against what it is now
            continue
        return after
    raise RuntimeError(f"event {event_id} kept changing meanwhile; the organiser may try again")


# What an EventUpdated says the event was: the change is stored only while these are as read.
_ANNOUNCED = ("capacity", "number", *event_changes.CALENDAR_FIELDS)


def _announced_fields(event: dict[str, Any]) -> dict[str, Any]:
    return {name: event.get(name) for name in _ANNOUNCED}


def _change(event_id: str, before: dict[str, Any], stored: dict[str, Any], changed: list[str],
            notify: bool) -> tuple[list[store.Operation], dict[str, Any]]:
    """The transaction that applies `stored` to the event read as `before` and stores its
    EventUpdated, and the event as it will then be."""
    names = {f"#{name}": name for name in stored}
    expression = "SET " + ", ".join(f"#{name} = :{name}" for name in stored)
    vals = {f":{name}": value for name, value in stored.items()}
    # The announcement tells what the event was and became: stored only if nobody changed it since.
    conditions = ["attribute_exists(pk)"]
    for index, (name, value) in enumerate(_announced_fields(before).items()):
        names[f"#was{index}"] = name
        if value is None:
            conditions.append(f"attribute_not_exists(#was{index})")
        else:
            conditions.append(f"#was{index} = :was{index}")
            vals[f":was{index}"] = value
    if "capacity" in stored:
        conditions.append("#confirmed <= :capacity")
        names["#confirmed"] = "confirmed"
    after = {**before, **stored}
    moved = event_changes.moved(before, stored)
    if moved:
        # Calendars replace an invite only by one with a higher SEQUENCE (RFC 5546).
        expression += ", #sequence = if_not_exists(#sequence, :zero) + :one"
        names["#sequence"] = "sequence"
        vals.update({":zero": 0, ":one": 1})
        after["sequence"] = int(before.get("sequence", 0)) + 1
    announcement = outbox.entry("EventUpdated", {
        "event_id": event_id,
        "changed": changed,
        "capacity_before": int(before["capacity"]),
        "capacity_after": int(after["capacity"]),
        "starts_at": after["starts_at"],
        "ends_at": after["ends_at"],
        "moved": moved,
        "notify": notify,
        "before": event_changes.calendar_snapshot(before),
    })
    update = store.update_op(keys.event(event_id), expression, " AND ".join(conditions), names=names, vals=vals)
    return [update, announcement], after


def upcoming_events(limit: int = 50) -> list[dict[str, Any]]:
    """Events that have not ended, soonest first (a GSI query, never a scan)."""
    # Listed by start time; start a day back so an event in progress is still shown.
    day_ago = clock.iso(clock.now() - timedelta(days=1))
    items = store.query(keys.EVENT_LISTING_PK, index=keys.GSI1, sk_from=day_ago, limit=limit)
    now = clock.iso(clock.now())
    return [item for item in items if item["ends_at"] >= now]


def past_events(limit: int = 100) -> list[dict[str, Any]]:
    """Events that have ended, latest first (a GSI query, never a scan). Listed by start time,
    newest first, so only the few events still to come are read and passed over."""
    now = clock.iso(clock.now())
    ended = (item for item in store.query(keys.EVENT_LISTING_PK, index=keys.GSI1, forward=False)
             if item["ends_at"] < now)
    return [item for _, item in zip(range(limit), ended, strict=False)]


def all_events(limit: int = 200) -> list[dict[str, Any]]:
    """Every event, newest first, for organisers."""
    return list(store.query(keys.EVENT_LISTING_PK, index=keys.GSI1, forward=False, limit=limit))


def registration_open(item: dict[str, Any]) -> bool:
    if item.get("cancelled_at"):
        return False
    now = clock.iso(clock.now())
    closes = item.get("registration_closes_at") or item["starts_at"]
    return now < closes and now < item["starts_at"]
