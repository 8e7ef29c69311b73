"""Registration workers, fed by SQS from the bus.

`send_registration_mail` emails each outcome (confirmed, waiting, repeated, promoted,
cancelled, reminder); every send runs once per domain event however often it is delivered.
`follow_event_changes` keeps reminders in step with the event's start, fills places when
capacity grows, and fans a due reminder out to each confirmed attendee.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers
from chalicelib.core.domain_events import (
    EventScheduled,
    EventUpdated,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationRepeated,
    RegistrationWaitlisted,
    ReminderDue,
    RemindersDue,
    WaitlistPromoted,
)
from chalicelib.core.observability import logger
from chalicelib.events import service as events
from chalicelib.registration import emails, reminders, service

blueprint = Blueprint(__name__)

# Chalice needs a queue here; stacks/app.yaml wires the real one to each consumer.
PLACEHOLDER_QUEUE = "arn:aws:sqs:eu-west-2:000000000000:placeholder"

Record = dict[str, Any]


@blueprint.on_sqs_message(queue_arn=PLACEHOLDER_QUEUE, name="send_registration_mail", batch_size=10)
def send_registration_mail(event: SQSEvent) -> dict[str, Any]:
    return workers.consume(event, {
        "RegistrationConfirmed": on_confirmed,
        "RegistrationWaitlisted": on_waitlisted,
        "RegistrationRepeated": on_repeated,
        "WaitlistPromoted": on_promoted,
        "RegistrationCancelled": on_cancelled,
        "ReminderDue": on_reminder_due,
    })


@blueprint.on_sqs_message(queue_arn=PLACEHOLDER_QUEUE, name="follow_event_changes", batch_size=10)
def follow_event_changes(event: SQSEvent) -> dict[str, Any]:
    return workers.consume(event, {
        "EventScheduled": on_event_scheduled,
        "EventUpdated": on_event_updated,
        "RemindersDue": on_reminders_due,
    })


def _send_once(name: str, detail: Mapping[str, Any], key: dict[str, Any], wanted: set[str],
               send: Callable[[Record, Record], str]) -> None:
    """Send at most once per key, and only if the registration is still what the mail says."""

    def deliver(_: dict[str, Any]) -> str:
        event = events.get_event(detail["event_id"])
        record = service.get_registration(detail["event_id"], detail["email"])
        if event is None or record is None or record.get("registration_id") != detail["registration_id"]:
            logger.info("registration gone; nothing to send", extra={"mail": name})
            return ""
        if record.get("status") not in wanted:
            # Overtaken (e.g. promoted before the waiting-list mail went): the later mail says it.
            logger.info("registration changed; mail skipped", extra={"mail": name})
            return ""
        return send(event, record)

    workers.once(name, {"mail": name, **key}, deliver)


def on_confirmed(_: str, detail: RegistrationConfirmed) -> None:
    _send_once("registration_confirmed", detail, {"registration_id": detail["registration_id"]},
               {service.CONFIRMED}, emails.send_confirmed)


def on_waitlisted(_: str, detail: RegistrationWaitlisted) -> None:
    _send_once("registration_waitlisted", detail, {"registration_id": detail["registration_id"]},
               {service.WAITLISTED},
               lambda event, record: emails.send_waitlisted(event, record, service.position(record)))


def on_repeated(_: str, detail: RegistrationRepeated) -> None:
    # At most one reminder of the manage link an hour, so a stranger cannot flood an inbox.
    key = {"registration_id": detail["registration_id"], "hour": detail["requested_at"][:13]}

    def send(event: Record, record: Record) -> str:
        waiting = record.get("status") == service.WAITLISTED
        return emails.send_repeated(event, record, service.position(record) if waiting else None)

    _send_once("registration_repeated", detail, key, {service.CONFIRMED, service.WAITLISTED}, send)


def on_promoted(_: str, detail: WaitlistPromoted) -> None:
    _send_once("waitlist_promoted", detail, {"registration_id": detail["registration_id"]},
               {service.CONFIRMED}, emails.send_promoted)


def on_cancelled(_: str, detail: RegistrationCancelled) -> None:
    _send_once("registration_cancelled", detail, {"registration_id": detail["registration_id"]},
               {service.CANCELLED},
               lambda event, record: emails.send_cancelled(event, record, detail["previous_status"]))


def on_reminder_due(_: str, detail: ReminderDue) -> None:
    key = {"registration_id": detail["registration_id"], "starts_at": detail["starts_at"]}
    _send_once("registration_reminder", detail, key, {service.CONFIRMED}, emails.send_reminder)


def on_event_scheduled(_: str, detail: EventScheduled) -> None:
    reminders.plan_reminders(detail["event_id"], detail["starts_at"])


def on_event_updated(_: str, detail: EventUpdated) -> None:
    changed = set(detail.get("changed", []))
    if "starts_at" in changed:
        reminders.plan_reminders(detail["event_id"], detail["starts_at"])
    if "capacity" in changed and int(detail["capacity_after"]) > int(detail["capacity_before"]):
        promoted = service.promote_waiting(detail["event_id"])
        logger.info("waiting list promoted", extra={"event_id": detail["event_id"], "count": len(promoted)})


def on_reminders_due(_: str, detail: RemindersDue) -> None:
    count = reminders.remind_attendees(detail["event_id"], detail["starts_at"])
    logger.info("reminders announced", extra={"event_id": detail["event_id"], "count": count})
