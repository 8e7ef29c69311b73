"""Telling people about their event: when it moves (a new time, zone, venue or title) each
confirmed and waiting person is emailed what changed, the confirmed with an updated invite
(same UID, higher SEQUENCE, METHOD:REQUEST); when it is cancelled each is emailed once with a
METHOD:CANCEL invite. An event-wide domain event fans out into one EventNoticeDue per person on
the bus, and each is sent on its own, at most once, never to a bounced or complaining address.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import batches, bus, keys, schedules, workers
from chalicelib.core.domain_events import DomainEvent, EventCancelled, EventNoticeDue, EventUpdated
from chalicelib.core.observability import logger
from chalicelib.events import service as events
from chalicelib.registration import emails, service

MOVED = "moved"
CANCELLED = "cancelled"
MAILS = {MOVED: "event_moved", CANCELLED: "event_cancelled"}
FAN_OUT_CHUNK = 100
_HOLDING = service.HOLDING  # confirmed, waiting, or offered a place near the start


def announce_change(detail: EventUpdated) -> int:
    """One EventNoticeDue per confirmed or waiting person when the event moved and the
    organiser did not say `notify: false`; return how many."""
    if not detail.get("moved") or not detail.get("notify", True):
        return 0
    event = events.get_event(detail["event_id"])
    if event is None or event.get("cancelled_at"):
        return 0
    return _announce(event, MOVED, before=detail.get("before", {}))


def announce_cancellation(detail: EventCancelled) -> int:
    """Remove the cancelled event's schedules and announce one EventNoticeDue per confirmed or
    waiting person; return how many."""
    event_id = detail["event_id"]
    # Reminders and poll invitations of an event that will not happen would only confuse.
    schedules.cancel(keys.reminder_schedule(event_id))
    schedules.cancel(keys.poll_invitation_schedule(event_id))
    event = events.get_event(event_id)
    if event is None:
        return 0
    return _announce(event, CANCELLED)


def _announce(event: dict[str, Any], notice: str, before: dict[str, str] | None = None) -> int:
    # Put straight on the bus, not through the outbox: this runs in a consumer and stores
    # nothing, so a refused PutEvents fails the record, its queue delivers it again, and the
    # fan-out is repeated (each person's notice is sent once however often it is announced).
    sequence = int(event.get("sequence", 0))
    announced = 0
    holding = (r for r in service.registrations_of(event["event_id"]) if r.get("status") in _HOLDING)
    for chunk in batches.chunked(holding, FAN_OUT_CHUNK):
        entries: list[tuple[str, DomainEvent]] = []
        for record in chunk:
            due = EventNoticeDue(event_id=event["event_id"], registration_id=record["registration_id"],
                                 email=record["email"], notice=notice, sequence=sequence)
            if before:
                due["before"] = before
            entries.append(("EventNoticeDue", due))
        bus.publish_many(entries)
        announced += len(entries)
    logger.info("event notices announced", extra={"event_id": event["event_id"], "notice": notice,
                                                  "count": announced})
    return announced



def send_notice(_: str, due: EventNoticeDue) -> None:
    """Email one person their notice, once per (registration, notice, sequence), and only while
    they still hold a place or a spot on the waiting list."""
    mail = MAILS[due["notice"]]

    def deliver(_: dict[str, Any]) -> str:
        event = events.get_event(due["event_id"])
        record = service.get_registration(due["event_id"], due["email"])
        if event is None or record is None or record.get("registration_id") != due["registration_id"]:
            logger.info("registration gone; no notice", extra={"mail": mail})
            return ""
        if record.get("status") not in _HOLDING:
            logger.info("registration cancelled meanwhile; no notice", extra={"mail": mail})
            return ""
        if due["notice"] == MOVED and emails.saw_sequence(record, due["sequence"]):
            logger.info("registered after the change; the confirmation showed it", extra={"mail": mail})
            return ""
        if due["notice"] == MOVED and event.get("cancelled_at"):
            logger.info("event cancelled since it moved; the cancellation says it", extra={"mail": mail})
            return ""
        # A bounced or complaining address gets nothing more; an unsubscribe from reports does
        # not stop news of an event the person registered for.
        if emails.undeliverable(record["email"]):
            logger.info("address suppressed; no notice", extra={"mail": mail})
            return ""
        return emails.send(mail, event, record, dict(due))

    workers.once(mail, {"registration_id": due["registration_id"], "sequence": due["sequence"]}, deliver)
