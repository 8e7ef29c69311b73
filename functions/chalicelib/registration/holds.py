"""Places held only for a real address (an event's `confirm_address` option): a new
registration holds its place, or its waiting spot, as pending, and its outcome email waits,
until the person opens the emailed link and presses Confirm. A hold not confirmed within
HOLD_MINUTES is released by a Scheduler schedule and its place handed on (promoted, or offered
near the start) as a cancellation would; the unconfirmed address is sent nothing more.

So a script that posts invented addresses holds seats for half an hour at most, and the emails
that carry calendar invites and manage links go only to addresses someone has opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, domain_events, keys, outbox, schedules, store, tokens
from chalicelib.core.domain_events import AddressConfirmationRequested, HoldExpiryDue
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.events import service as events
from chalicelib.registration import service

ADDRESS_PURPOSE = "address"
RELEASED = service.Leaving(announce=False, mark="released_at", pending_only=True)


@dataclass(frozen=True)
class Hold:
    event: dict[str, Any]
    record: dict[str, Any]
    already: bool = False  # confirmed before: nothing changed now


def link(event: dict[str, Any], record: dict[str, Any]) -> str:
    """A link to confirm the address, valid as long as the hold."""
    ttl = clock.parse(record.get("hold_expires_at") or clock.iso(clock.now())) - clock.now()
    raw = tokens.issue_token(ADDRESS_PURPOSE, {"event_id": record["event_id"], "email": record["email"],
                                               "registration_id": record["registration_id"]},
                             ttl=max(ttl, timedelta(minutes=1)))
    return f"{get_settings().public_base_url}/a/{raw}"


def from_link(raw_token: str) -> Hold | None:
    """The hold a link points at; None for an unknown or expired link, or a hold released."""
    token = tokens.peek(raw_token, ADDRESS_PURPOSE)
    if token is None:
        return None
    event_id, email = str(token.data.get("event_id", "")), str(token.data.get("email", ""))
    event = events.get_event(event_id)
    record = service.get_registration(event_id, email)
    if (event is None or record is None or record.get("registration_id") != token.data.get("registration_id")
            or record.get("status") not in service.HOLDING):
        return None
    return Hold(event, record, already=not record.get("address_pending"))


def confirm(raw_token: str) -> Hold | None:
    """Confirm the address: the hold becomes the place (or spot) it stands for, and its outcome
    email goes now. Confirming again changes nothing; None when the link is unknown or expired."""
    for _ in range(store.ATTEMPTS):
        hold = from_link(raw_token)
        if hold is None or hold.already:
            return hold
        record = hold.record
        now = clock.iso(clock.now())
        status = str(record["status"])
        confirmed_at = ", confirmed_at = :now" if status == service.CONFIRMED else ""
        try:
            store.transact([
                store.update_op(
                    keys.registration(record["event_id"], record["email"]),
                    f"SET address_confirmed_at = :now{confirmed_at} REMOVE address_pending",
                    "address_pending = :yes AND #status = :status AND registration_id = :rid "
                    "AND hold_expires_at > :now",
                    names=store.names("status"),
                    vals={":yes": True, ":status": status, ":now": now, ":rid": record["registration_id"]}),
                *_outcome(record),
            ])
        except store.ConditionFailed:
            continue  # promoted, offered or released meanwhile: look again
        return Hold(hold.event, {**record, "address_confirmed_at": now, "address_pending": None})
    raise RuntimeError("an address confirmation kept colliding; the person may try again")


def _outcome(record: dict[str, Any]) -> list[store.Operation]:
    """The outcome email the hold held back. An offered place's email (with its answer links)
    went when it was offered."""
    event_id, registration_id, email = record["event_id"], record["registration_id"], record["email"]
    if record["status"] == service.CONFIRMED:
        return [outbox.entry("RegistrationConfirmed", domain_events.RegistrationConfirmed(
            event_id=event_id, registration_id=registration_id, email=email, registered_at=record["registered_at"]))]
    if record["status"] == service.WAITLISTED:
        return [outbox.entry("RegistrationWaitlisted", domain_events.RegistrationWaitlisted(
            event_id=event_id, registration_id=registration_id, email=email, registered_at=record["registered_at"],
            arrival=record["arrival"]))]
    return []


# -- workers -----------------------------------------------------------------------------------


def plan_release(_: str, requested: AddressConfirmationRequested) -> None:
    """Set the schedule that releases the hold if its address is not confirmed in time (at
    once when that time has passed already: a late delivery, and Scheduler takes no past times)."""
    due = HoldExpiryDue(event_id=requested["event_id"], registration_id=requested["registration_id"],
                        email=requested["email"], expires_at=requested["expires_at"])
    if clock.parse(requested["expires_at"]) <= clock.now():
        release("HoldExpiryDue", due)
        return
    schedules.schedule_domain_event(
        keys.hold_schedule(requested["registration_id"]), clock.parse(requested["expires_at"]), "HoldExpiryDue",
        dict(due), description=f"Release an unconfirmed hold on a place at {requested['event_id']}")


def release(_: str, due: HoldExpiryDue) -> None:
    """Release a hold still unconfirmed: its place (or offer) goes to the next waiting person,
    or its spot leaves the list. A confirmed hold, or a repeated delivery, changes nothing."""
    for _attempt in range(store.ATTEMPTS):
        record = service.get_registration(due["event_id"], due["email"])
        if record is None or record.get("registration_id") != due["registration_id"] \
                or not record.get("address_pending"):
            logger.info("hold confirmed or gone; nothing to release", extra={"event_id": due["event_id"]})
            return
        now = clock.iso(clock.now())
        status = str(record.get("status"))
        try:
            if status == service.WAITLISTED:
                service.leave_waiting_list(record, now, RELEASED)
            elif status in (service.CONFIRMED, service.OFFERED):
                service.give_up(record, now, expected=status, how=RELEASED)
        except service.RecordChanged:
            continue  # confirmed, promoted or offered at this very moment: look again
        except (service.EventStarted, NotFound):
            logger.info("event begun or gone; the hold stays as it is", extra={"event_id": due["event_id"]})
        return
