"""Reminders the day before: one Scheduler schedule per event, set when the event is created and
moved when it moves. When due it puts RemindersDue on the bus; that fans out into one
ReminderDue per confirmed attendee, each emailed on its own (and at most once)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core import bus, clock, keys, schedules
from chalicelib.core.domain_events import DomainEvent, ReminderDue
from chalicelib.core.observability import logger
from chalicelib.events import service as events
from chalicelib.registration import service

REMIND_BEFORE = timedelta(hours=24)
# An event created less than a day ahead is still reminded, shortly after.
SOON = timedelta(minutes=1)


def reminder_time(starts_at: str) -> str | None:
    """When to remind (UTC, as Scheduler's at() wants it), or None once the event has begun."""
    start = clock.parse(starts_at)
    now = clock.now()
    if start <= now:
        return None
    due = max(start - REMIND_BEFORE, now + SOON)
    return due.strftime("%Y-%m-%dT%H:%M:%S")


def plan_reminders(event_id: str, starts_at: str) -> str | None:
    """Set, or move, the event's reminder schedule; return when it fires (None: no reminder)."""
    name = keys.reminder_schedule(event_id)
    due = reminder_time(starts_at)
    if due is None:
        schedules.cancel(name)
        return None
    schedules.schedule_domain_event(
        name, clock.parse(due + "+00:00"), "RemindersDue",
        # The start it was set for: a reminder that fires for a time since moved is ignored.
        {"event_id": event_id, "starts_at": clock.iso(clock.parse(starts_at))},
        description=f"Remind confirmed attendees of {event_id} the day before",
    )
    logger.info("reminders planned", extra={"event_id": event_id, "due": due})
    return due


def remind_attendees(event_id: str, starts_at: str) -> int:
    """Announce one ReminderDue per confirmed attendee; return how many.

    Put straight on the bus, not through the outbox: this runs in a consumer and stores nothing,
    so a refused PutEvents fails the record, its queue delivers it again, and the fan-out is
    repeated (each reminder is sent once however often it is announced)."""
    event = events.get_event(event_id)
    if event is None or event["starts_at"] != starts_at or event.get("cancelled_at"):
        logger.info("reminder no longer applies", extra={"event_id": event_id})
        return 0
    entries: list[tuple[str, DomainEvent]] = [
        ("ReminderDue", ReminderDue(event_id=event_id, registration_id=record["registration_id"],
                                    email=record["email"], starts_at=starts_at))
        for record in service.confirmed_registrations(event_id)
    ]
    bus.publish_many(entries)
    return len(entries)
