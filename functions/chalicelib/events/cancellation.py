"""Cancelling an event: registration closes, its schedules go, and everyone confirmed or
waiting is emailed once with a calendar CANCEL. Cancelling again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, keys, outbox, store
from chalicelib.core.domain_events import EventCancelled as Cancelled
from chalicelib.core.errors import Conflict
from chalicelib.core.validation import Form

MAX_MESSAGE = 2000


class EventCancelled(Conflict):
    """The event is cancelled: nothing about it can change any more."""

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__({"event": "This event has been cancelled, so it can no longer be changed."},
                         page={"event": event})


@dataclass(frozen=True)
class Cancellation:
    event: dict[str, Any]
    already: bool


def read_message(data: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The optional message to everyone (its errors name the field)."""
    form = Form(data)
    form.unknown({"message"})
    message = form.paragraphs("message", "a message", max_len=MAX_MESSAGE)
    return (message or "") if form.ok else None, form.errors


def cancel_event(event_id: str, message: str, organiser: str) -> Cancellation | None:
    """Mark the event cancelled and store its announcement with it; None for an unknown event.
    Only the first cancellation is announced, so a repeat emails nobody again."""
    now = clock.iso(clock.now())
    try:
        store.transact([
            store.update_op(
                keys.event(event_id),
                "SET cancelled_at = :now, cancel_message = :message, cancelled_by = :by, updated_at = :now",
                "attribute_exists(pk) AND attribute_not_exists(cancelled_at)",
                vals={":now": now, ":message": message, ":by": organiser},
            ),
            outbox.entry("EventCancelled", Cancelled(event_id=event_id, cancelled_at=now, message=message)),
        ])
    except store.ConditionFailed as refused:
        current = refused.old_item(0)
        return None if current is None else Cancellation(current, already=True)
    event = store.get(keys.event(event_id))
    return None if event is None else Cancellation(event, already=False)
