"""Registration workers, fed by SQS from the bus.

`send_registration_mail` emails each outcome (confirmed, waiting, repeated, promoted,
cancelled, reminder) as OUTCOMES says; every send runs once per domain event however often it
is delivered.
`follow_event_changes` keeps reminders in step with the event's start, fills places when
capacity grows, fans a due reminder out to each confirmed attendee, and marks each chunk of a
long attendance list (attendance_runs.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import deliveries, mail, workers
from chalicelib.core.domain_events import (
    EventCancelled,
    EventMessageRequested,
    EventScheduled,
    EventUpdated,
    RemindersDue,
)
from chalicelib.core.observability import logger
from chalicelib.events import service as events
from chalicelib.registration import attendance_runs, emails, holds, messages, notices, offers, reminders, service

blueprint = Blueprint(__name__)

Detail = dict[str, Any]


def _by_registration(detail: Detail) -> dict[str, Any]:
    return {"registration_id": detail["registration_id"]}


def _by_registration_and_hour(detail: Detail) -> dict[str, Any]:
    # At most one reminder of the manage link an hour, so a stranger cannot flood an inbox.
    return {"registration_id": detail["registration_id"], "hour": detail["requested_at"][:13]}


def _by_registration_and_start(detail: Detail) -> dict[str, Any]:
    # A moved event reminds again at its new start.
    return {"registration_id": detail["registration_id"], "starts_at": detail["starts_at"]}


@dataclass(frozen=True)
class Outcome:
    """What a registration outcome sends: a mail of emails.MAILS (also the name its sends are
    kept once under), the statuses the registration must still have for it to go, and what
    makes two deliveries the same send."""

    mail: str
    wanted: frozenset[str]
    key: Callable[[Detail], dict[str, Any]] = _by_registration
    # While a hold waits for its address (holds.py): False, the mail waits too (the confirmed
    # address gets the outcome then); True, it goes only then; None, either way.
    pending: bool | None = False


_PLACE = frozenset({service.CONFIRMED})
OUTCOMES = {
    "RegistrationConfirmed": Outcome("registration_confirmed", _PLACE),
    "RegistrationWaitlisted": Outcome("registration_waitlisted", frozenset({service.WAITLISTED})),
    "RegistrationRepeated": Outcome("registration_repeated",
                                    frozenset({service.CONFIRMED, service.WAITLISTED}),
                                    key=_by_registration_and_hour),
    "WaitlistPromoted": Outcome("waitlist_promoted", _PLACE),
    "RegistrationCancelled": Outcome("registration_cancelled", frozenset({service.CANCELLED})),
    "ReminderDue": Outcome("registration_reminder", _PLACE, key=_by_registration_and_start),
    "PlaceOffered": Outcome("place_offered", frozenset({service.OFFERED}), pending=None),
    "AddressConfirmationRequested": Outcome("address_confirm", service.HOLDING, pending=True),
}


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE, name="send_registration_mail", batch_size=10)
def send_registration_mail(event: SQSEvent) -> dict[str, Any]:
    return workers.consume(event, {**{kind: send_outcome_and_join if kind in JOINS else send_outcome
                                      for kind in OUTCOMES},
                                   "EventNoticeDue": notices.send_notice, "EventMessageDue": messages.send_one})


# Outcomes after which a registration that asked for news of future events joins the club's
# list: its email has just gone to that address, so no second confirmation is asked for.
JOINS = frozenset({"RegistrationConfirmed", "RegistrationWaitlisted"})


def send_outcome_and_join(detail_type: str, detail: Detail) -> None:
    from chalicelib.subscriptions import service as subscriptions

    send_outcome(detail_type, detail)
    record = service.get_registration(detail["event_id"], detail["email"])
    if record is not None and record.get("registration_id") == detail["registration_id"]:
        subscriptions.join_from_registration(record, detail["event_id"])  # once: joining again changes nothing


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE, name="follow_event_changes", batch_size=10)
def follow_event_changes(event: SQSEvent) -> dict[str, Any]:
    return workers.consume(event, {
        "EventScheduled": on_event_scheduled,
        "EventUpdated": on_event_updated,
        "EventCancelled": on_event_cancelled,
        "EventMessageRequested": on_message_requested,
        "RemindersDue": on_reminders_due,
        "AttendanceChunkDue": attendance_runs.mark_chunk,
        # Held places: each offer and each pending hold lapses by its own schedule.
        "PlaceOffered": offers.plan_lapse,
        "OfferExpiryDue": offers.lapse,
        "AddressConfirmationRequested": holds.plan_release,
        "HoldExpiryDue": holds.release,
    })


def send_outcome(detail_type: str, detail: Detail) -> None:
    """Send the outcome's mail at most once, and only if the registration is still what it says."""
    outcome = OUTCOMES[detail_type]
    found: dict[str, Any] = {}

    def build() -> mail.Email | None:
        event = events.get_event(detail["event_id"])
        record = service.get_registration(detail["event_id"], detail["email"])
        if event is None or record is None or record.get("registration_id") != detail["registration_id"]:
            logger.info("registration gone; nothing to send", extra={"mail": outcome.mail})
            return None
        if record.get("status") not in outcome.wanted:
            # Overtaken (e.g. promoted before the waiting-list mail went): the later mail says it.
            logger.info("registration changed; mail skipped", extra={"mail": outcome.mail})
            return None
        mail = outcome.mail
        if outcome.pending is not None and bool(record.get("address_pending")) != outcome.pending:
            if not (record.get("address_pending") and detail_type == "RegistrationRepeated"):
                logger.info("address confirmation decides this mail; skipped", extra={"mail": outcome.mail})
                return None
            mail = "address_confirm"  # registering again while the hold waits: its link again
        if emails.withheld(mail, record):
            return None
        found.update(event=event, record=record)
        return emails.build(mail, event, record, detail)

    if deliveries.send_once(outcome.mail, outcome.key(detail), build, again=(detail_type, detail)):
        emails.note_sent(found["event"], found["record"])


def on_event_scheduled(_: str, detail: EventScheduled) -> None:
    reminders.plan_reminders(detail["event_id"], detail["starts_at"])


def on_event_updated(_: str, detail: EventUpdated) -> None:
    changed = set(detail.get("changed", []))
    if "starts_at" in changed:
        reminders.plan_reminders(detail["event_id"], detail["starts_at"])
    if "capacity" in changed and int(detail["capacity_after"]) > int(detail["capacity_before"]):
        promoted = service.promote_waiting(detail["event_id"])
        logger.info("waiting list promoted", extra={"event_id": detail["event_id"], "count": len(promoted)})
    notices.announce_change(detail)


def on_event_cancelled(_: str, detail: EventCancelled) -> None:
    notices.announce_cancellation(detail)


def on_message_requested(_: str, detail: EventMessageRequested) -> None:
    messages.fan_out(detail)


def on_reminders_due(_: str, detail: RemindersDue) -> None:
    count = reminders.remind_attendees(detail["event_id"], detail["starts_at"])
    logger.info("reminders announced", extra={"event_id": detail["event_id"], "count": count})
