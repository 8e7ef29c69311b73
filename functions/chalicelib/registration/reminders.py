"""Reminders the day before: one Scheduler schedule per event, set when the event is created and
moved when it moves. When due it puts RemindersDue on the bus; that fans out into one
ReminderDue per confirmed attendee, each emailed on its own (and at most once)."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from typing import Any

from chalicelib.core import aws, bus, clock, keys
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
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
    settings = get_settings()
    scheduler = aws.scheduler()
    name = keys.reminder_schedule(event_id)
    due = reminder_time(starts_at)
    if due is None:
        with contextlib.suppress(scheduler.exceptions.ResourceNotFoundException):
            scheduler.delete_schedule(Name=name, GroupName=settings.scheduler_group)
        return None
    spec: dict[str, Any] = {
        "Name": name,
        "GroupName": settings.scheduler_group,
        "Description": f"Remind confirmed attendees of {event_id} the day before",
        "ScheduleExpression": f"at({due})",
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "Target": {
            "Arn": settings.bus_arn,
            "RoleArn": settings.scheduler_role_arn,
            # The start it was set for: a reminder that fires for a time since moved is ignored.
            "Input": json.dumps({"event_id": event_id, "starts_at": clock.iso(clock.parse(starts_at))}),
            "EventBridgeParameters": {"DetailType": "RemindersDue", "Source": bus.SOURCE},
        },
    }
    try:
        scheduler.update_schedule(**spec)
    except scheduler.exceptions.ResourceNotFoundException:
        try:
            scheduler.create_schedule(**spec)
        except scheduler.exceptions.ConflictException:
            scheduler.update_schedule(**spec)  # created meanwhile by a parallel delivery
    logger.info("reminders planned", extra={"event_id": event_id, "due": due})
    return due


def remind_attendees(event_id: str, starts_at: str) -> int:
    """Announce one ReminderDue per confirmed attendee; return how many."""
    event = events.get_event(event_id)
    if event is None or event["starts_at"] != starts_at:
        logger.info("reminder no longer applies", extra={"event_id": event_id})
        return 0
    entries = [
        ("ReminderDue", {"event_id": event_id, "registration_id": record["registration_id"],
                         "email": record["email"], "starts_at": starts_at})
        for record in service.confirmed_registrations(event_id)
    ]
    bus.publish_many(entries)
    return len(entries)
