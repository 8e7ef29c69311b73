"""Registration rules: exact capacity, a waiting list in arrival order, cancellation that
promotes the first waiting person in the same step (or, near the start, offers them the place),
places held pending until the address is confirmed where the event asks for it, and attendance.

Every change is one conditional DynamoDB transaction over the event's counters and the
person's record, never a read followed by a write, so capacity holds under any concurrency.
Each change's outcome is stored in the same transaction as its domain event (the outbox), which
reaches the bus from there; the worker sends the emails.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from chalicelib.core import clock, domain_events, keys, outbox, rate_limits, store, tokens
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.events import service as events
from chalicelib.events.cancellation import EventCancelled
from chalicelib.registration.forms import Registrant

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
# Offered a freed place near the start: the place is held for them until they answer or it lapses.
OFFERED = "offered"
HOLDING = frozenset({CONFIRMED, WAITLISTED, OFFERED})
MANAGE_PURPOSE = "manage"
OFFER_HOURS = timedelta(hours=12)
# How long a registration holds its place (or spot) unconfirmed where the event asks for the address.
HOLD_MINUTES = 30
# Conditions on the event item, and the attributes they name (their one value is :now).
_OPEN = ("#starts_at > :now AND (attribute_not_exists(#registration_closes_at) OR #registration_closes_at > :now)"
         " AND attribute_not_exists(#cancelled_at)")
_OPEN_NAMES = ("starts_at", "registration_closes_at", "cancelled_at")
NOT_STARTED = "attribute_exists(pk) AND #starts_at > :now"
NOT_STARTED_NAMES = ("starts_at",)
# Counters events stored before offers existed do not have.
_NEWER_COUNTERS = frozenset({"offered"})


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    REPEATED = "repeated"


class RegistrationClosed(Conflict):
    """Registration closed (its closing time or the event's start has passed)."""

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__({"event": "Registration for this event has closed."}, page={"event": event})
        self.event = event


class EventStarted(Conflict):
    """The event has started: places can no longer be given up or handed on."""

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__({"event": "This event has started, so registrations can no longer be changed."},
                         page={"event": event})
        self.event = event


class RecordChanged(Exception):
    """The person's record changed between reading it and changing it: look again."""


@dataclass(frozen=True)
class Cancellation:
    record: dict[str, Any]
    already: bool = False
    promoted: dict[str, Any] | None = None


@dataclass(frozen=True)
class Leaving:
    """How a place or spot is given up: by the person, who is emailed that it is cancelled; or
    by an offer not taken or a hold never confirmed, silently, `mark` saying which."""

    announce: bool = True
    mark: str | None = None  # a time attribute set besides cancelled_at (declined_at, lapsed_at, ...)
    pending_only: bool = False  # only while the address is still unconfirmed


BY_PERSON = Leaving()


@dataclass(frozen=True)
class Managed:
    """What a manage link shows: the event, the registration, and a waiting person's place."""

    event: dict[str, Any]
    record: dict[str, Any]
    position: int | None = None


@dataclass
class Attendance:
    marked: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


# -- building blocks ---------------------------------------------------------------------------


def _put(record: dict[str, Any]) -> store.Operation:
    # One registration per (event, email); a cancelled one may be taken up again.
    return store.put_op(record, "attribute_not_exists(pk) OR #status = :cancelled",
                        names=store.names("status"), vals={":cancelled": CANCELLED})


def counts_op(event_id: str, moves: Mapping[str, int], condition: str, *,
              names: Iterable[str] = (), vals: Mapping[str, Any] | None = None) -> store.Operation:
    """Move the event's counters one up (+1) or down (-1) each (0: left alone), if `condition`
    holds; `names` and `vals` are what the condition uses besides the counters."""
    moves = {counter: step for counter, step in moves.items() if step}

    def held(counter: str) -> str:
        return f"if_not_exists(#{counter}, :zero)" if counter in _NEWER_COUNTERS else f"#{counter}"

    expression = "SET " + ", ".join(f"#{counter} = {held(counter)} {'+' if step > 0 else '-'} :one"
                                    for counter, step in moves.items())
    zero = {":zero": 0} if _NEWER_COUNTERS & moves.keys() else {}
    return store.update_op(keys.event(event_id), expression, condition,
                           names=store.names(*dict.fromkeys([*moves, *names])),
                           vals={":one": 1, **zero, **(vals or {})})


def leave_op(record: dict[str, Any], expected: str, now: str, how: Leaving = BY_PERSON) -> store.Operation:
    """The person gives up their place, their offer or their spot on the waiting list."""
    mark = f", {how.mark} = :now" if how.mark else ""
    pending = " AND address_pending = :yes" if how.pending_only else ""
    return store.update_op(
        keys.registration(record["event_id"], record["email"]),
        f"SET #status = :cancelled, cancelled_at = :now{mark} REMOVE {', '.join(keys.waiting_attributes())}",
        f"#status = :expected AND registration_id = :rid{pending}",
        names=store.names("status"),
        vals={":cancelled": CANCELLED, ":now": now, ":expected": expected, ":rid": record["registration_id"],
              **({":yes": True} if how.pending_only else {})},
    )


def _promote(candidate: dict[str, Any], now: str) -> store.Operation:
    """A waiting person takes a place, provided they are still waiting."""
    return store.update_op(
        keys.registration(candidate["event_id"], candidate["email"]),
        f"SET #status = :confirmed, promoted_at = :now, confirmed_at = :now "
        f"REMOVE {', '.join(keys.waiting_attributes())}",
        "#status = :waitlisted AND registration_id = :rid",
        names=store.names("status"),
        vals={":confirmed": CONFIRMED, ":waitlisted": WAITLISTED, ":now": now,
              ":rid": candidate["registration_id"]},
    )


def _offer(candidate: dict[str, Any], now: str, expires: str) -> store.Operation:
    """A waiting person is offered a place, provided they are still waiting: it is held for them
    until `expires`."""
    return store.update_op(
        keys.registration(candidate["event_id"], candidate["email"]),
        f"SET #status = :offered, offered_at = :now, offer_expires_at = :expires "
        f"REMOVE {', '.join(keys.waiting_attributes())}",
        "#status = :waitlisted AND registration_id = :rid",
        names=store.names("status"),
        vals={":offered": OFFERED, ":waitlisted": WAITLISTED, ":now": now, ":expires": expires,
              ":rid": candidate["registration_id"]},
    )


def offering(event: dict[str, Any]) -> bool:
    """Whether a freed place is offered (not given) now: inside the event's window before the start."""
    hours = int(event.get("offer_window_hours", events.OFFER_WINDOW_HOURS))
    return clock.now() >= clock.parse(event["starts_at"]) - timedelta(hours=hours)


def offer_expiry(event: dict[str, Any]) -> str:
    """When an offer made now lapses: after OFFER_HOURS, or at the start if that comes first."""
    return clock.iso(min(clock.now() + OFFER_HOURS, clock.parse(event["starts_at"])))


def _hand_on(event_id: str, now: str) -> store.Operation:
    """A place changes hands (or a waiting spot is given up): one fewer waiting, one cancelled."""
    return counts_op(event_id, {"waitlisted": -1, "cancelled": +1}, NOT_STARTED,
                     names=NOT_STARTED_NAMES, vals={":now": now})


def _arrival(moment: datetime, registration_id: str) -> str:
    # Microseconds, then a random tie-break: sorts by arrival, unique per registration.
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}Z#{registration_id}"


# -- registering -------------------------------------------------------------------------------


def register(event_id: str, person: Registrant, allowance: rate_limits.Allowance | None = None) -> Outcome:
    """Take a place, or join the waiting list when full; a repeat changes nothing. Where the
    event asks for the address to be confirmed, the place (or spot) is held as pending and the
    person is emailed a link to confirm it (see holds.py).

    One transaction when a place is free and the address needs no confirming (or the person is
    already registered); when the event refuses the first, what it held says which to try
    instead (the waiting list, a pending hold), so it is two in the usual case. The client's
    `allowance` is counted in whichever succeeds. Raises NotFound, RegistrationClosed, or
    TooManyRequests once the client is over its limit.
    """
    moment = clock.now()
    now = clock.iso(moment)
    registration_id = secrets.token_hex(8)
    record: dict[str, Any] = {
        **keys.registration(event_id, person.email),
        **keys.person_registration(person.email, event_id),
        "event_id": event_id,
        "registration_id": registration_id,
        "email": person.email,
        "name": person.name,
        "organisation": person.organisation,
        "job_title": person.job_title,
        "needs": person.needs,
        "consent_report": person.consent_report,
        "consent_updates": person.consent_updates,
        "registered_at": now,
        "attended": False,
    }
    arrival = _arrival(moment, registration_id)
    hold_expires = clock.iso(moment + timedelta(minutes=HOLD_MINUTES))
    counted = [allowance.operation] if allowance else []
    pending, place = False, True  # the usual case first
    for _ in range(store.ATTEMPTS):
        try:
            store.transact([*_registering(record, now, arrival, hold_expires, pending=pending, place=place),
                            *counted])
        except store.ConditionFailed as refused:
            _raise_if_over_limit(refused, allowance, at=3)
            existing = _existing_registration(refused, event_at=0, record_at=1)
            if existing is not None:
                return _repeated(existing, registration_id, now)
            # Full, room again, or the event asks (or no longer asks) for the address: try what it held.
            event = refused.old_item(0) or {}
            pending = bool(event.get("confirm_address"))
            place = int(event.get("confirmed", 0)) < int(event.get("capacity", 0))
            continue
        return Outcome.CONFIRMED if place else Outcome.WAITLISTED
    raise RuntimeError(f"registration for {event_id} kept colliding; the person may try again")


def _registering(record: dict[str, Any], now: str, arrival: str, hold_expires: str, *,
                 pending: bool, place: bool) -> list[store.Operation]:
    """The event's counter, the registration and its outbox entry, for a place or a waiting
    spot, held pending (the address to be confirmed) or not; each refused by an event that
    does not match."""
    event_id, registration_id, email = record["event_id"], record["registration_id"], record["email"]
    asks = "#confirm_address = :yes" if pending else \
        "(attribute_not_exists(#confirm_address) OR #confirm_address = :no)"
    room = "#confirmed < #capacity" if place else "#confirmed >= #capacity"
    counter = counts_op(event_id, {"confirmed" if place else "waitlisted": +1},
                        f"attribute_exists(pk) AND {_OPEN} AND {room} AND {asks}",
                        names=(*_OPEN_NAMES, "confirmed", "capacity", "confirm_address"),
                        vals={":now": now, ":yes": True, ":no": False})
    stored = {**record, "status": CONFIRMED if place else WAITLISTED}
    if not place:
        stored.update({**keys.waiting_listing(event_id, arrival), "arrival": arrival})
    entry: store.Operation
    if pending:
        stored.update({"address_pending": True, "hold_expires_at": hold_expires})
        entry = outbox.entry("AddressConfirmationRequested", domain_events.AddressConfirmationRequested(
            event_id=event_id, registration_id=registration_id, email=email, requested_at=now,
            expires_at=hold_expires))
    elif place:
        stored["confirmed_at"] = now
        entry = outbox.entry("RegistrationConfirmed", domain_events.RegistrationConfirmed(
            event_id=event_id, registration_id=registration_id, email=email, registered_at=now))
    else:
        entry = outbox.entry("RegistrationWaitlisted", domain_events.RegistrationWaitlisted(
            event_id=event_id, registration_id=registration_id, email=email, registered_at=now, arrival=arrival))
    return [counter, _put(stored), entry]


def _raise_if_over_limit(refused: store.ConditionFailed, allowance: rate_limits.Allowance | None, *,
                         at: int) -> None:
    if allowance is not None and refused.refused(at):
        raise allowance.refuse()


def _existing_registration(refused: store.ConditionFailed, *, event_at: int,
                           record_at: int) -> dict[str, Any] | None:
    """Read a refused registration: raises for an unknown or closed event; the registration
    already held for a repeat; None when the event was full (or had room again)."""
    if refused.refused(event_at):
        event = refused.old_item(event_at)
        if event is None:
            raise NotFound("event")
        if not events.registration_open(event):
            raise RegistrationClosed(event)
    if refused.refused(record_at):
        return refused.old_item(record_at) or {}
    if not refused.refused(event_at):
        raise refused
    return None


def _repeated(existing: dict[str, Any], registration_id: str, now: str) -> Outcome:
    """The outcome when the person's registration is already there. It may be this very one:
    a request retried after a timeout (the SDK retries it) finds its own first attempt stored,
    with its outcome on the way; only someone registering again is reminded."""
    if existing.get("registration_id") == registration_id:
        return Outcome.CONFIRMED if existing.get("status") == CONFIRMED else Outcome.WAITLISTED
    _announce_repeat(existing, now)
    return Outcome.REPEATED


def _announce_repeat(existing: dict[str, Any], now: str) -> None:
    # Nothing else changed, so the reminder is stored on its own for the relay (the request's
    # second and last DynamoDB request); a failure fails the request, and the retry asks again.
    outbox.put("RegistrationRepeated", domain_events.RegistrationRepeated(
        event_id=existing.get("event_id", ""), registration_id=existing.get("registration_id", ""),
        email=existing.get("email", ""), status=existing.get("status", ""), requested_at=now))


# -- reading -----------------------------------------------------------------------------------


def get_registration(event_id: str, email: str) -> dict[str, Any] | None:
    return store.get(keys.registration(event_id, email))


def registrations(event_id: str) -> list[dict[str, Any]]:
    """Every registration of an event in arrival order, waiting people with their position."""
    items = sorted(
        store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.REGISTRATION_PREFIX),
        key=lambda item: (item.get("registered_at", ""), item.get("arrival", "")),
    )
    waiting = sorted((i for i in items if i.get("status") == WAITLISTED), key=lambda i: i["arrival"])
    for position, item in enumerate(waiting, start=1):
        item["position"] = position
    return items


def registrations_of(event_id: str) -> Iterator[dict[str, Any]]:
    """Every registration of an event, page by page (memory stays flat however many)."""
    yield from store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.REGISTRATION_PREFIX)


# A page of a walk that reads a few attributes of each registration: a few kB, however many
# people (DynamoDB's own page limit is 1 MB), and a tenth of the requests of full pages.
_FEW_FIELDS_PAGE = 1000


def confirmed_registrations(event_id: str, fields: Sequence[str] | None = None) -> Iterator[dict[str, Any]]:
    """The event's confirmed registrations, page by page; with `fields`, only those attributes
    of each (a report run's walks need two or three of a registration's many)."""
    wanted = (*fields, "status") if fields else None
    for item in store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.REGISTRATION_PREFIX, fields=wanted,
                            page_size=_FEW_FIELDS_PAGE if fields else 200):
        if item.get("status") == CONFIRMED:
            yield item


def waiting_list(event_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The first people waiting, in arrival order (an index query, never a scan)."""
    return list(store.query(keys.waiting_pk(event_id), index=keys.GSI1, limit=limit))


def position(record: dict[str, Any]) -> int:
    """Place on the waiting list: 1 + the number of people who arrived before."""
    ahead = store.count(keys.waiting_pk(record["event_id"]), index=keys.GSI1, sk_below=record["arrival"])
    return ahead + 1


def roster(event_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The event and all its registrations, for organisers; None if there is no such event."""
    event = events.get_event(event_id)
    return (event, registrations(event_id)) if event is not None else None


def from_link(raw_token: str) -> Managed | None:
    """What a manage link points at; None for an unknown or expired link (they look alike)."""
    token = tokens.peek(raw_token, MANAGE_PURPOSE)
    if token is None:
        return None
    event_id, email = str(token.data.get("event_id", "")), str(token.data.get("email", ""))
    event = events.get_event(event_id)
    record = get_registration(event_id, email)
    if event is None or record is None:
        return None
    waiting = record.get("status") == WAITLISTED
    return Managed(event, record, position(record) if waiting else None)


def cancel_by_link(raw_token: str) -> tuple[Managed, Cancellation] | None:
    """Cancel the registration a manage link points at. Raises EventStarted."""
    token = tokens.peek(raw_token, MANAGE_PURPOSE)
    if token is None:
        return None
    event_id, email = str(token.data.get("event_id", "")), str(token.data.get("email", ""))
    event = events.get_event(event_id)
    if event is None:
        return None
    if event.get("cancelled_at"):
        # Nothing to free or hand on: the organisers cancelled the event for everyone.
        raise EventCancelled(event)
    if event["starts_at"] <= clock.iso(clock.now()):
        raise EventStarted(event)
    cancellation = cancel(event_id, email)
    if cancellation is None:
        return None
    record = {**cancellation.record, "status": CANCELLED}
    return Managed(event, record), cancellation


# -- cancelling and promoting ------------------------------------------------------------------


def cancel(event_id: str, email: str) -> Cancellation | None:
    """Give up a place or an offered one (handing it on to the first waiting person in the same
    transaction) or a spot on the waiting list. Cancelling again changes nothing. None if there
    is no registration; raises EventStarted once the event has begun."""
    for _ in range(store.ATTEMPTS):
        record = get_registration(event_id, email)
        if record is None:
            return None
        if record.get("status") == CANCELLED:
            return Cancellation(record, already=True)
        now = clock.iso(clock.now())
        try:
            if record.get("status") == WAITLISTED:
                leave_waiting_list(record, now)
                promoted = None
            else:
                promoted = give_up(record, now, expected=str(record.get("status")))
        except RecordChanged:
            continue  # promoted or cancelled meanwhile: decide again on what it is now
        return Cancellation(record, promoted=promoted)
    raise RuntimeError(f"cancellation for {event_id} kept colliding; the person may try again")


def _raise_if_started(refused: store.ConditionFailed, event_at: int) -> None:
    if refused.refused(event_at):
        event = refused.old_item(event_at)
        if event is None:
            raise NotFound("event")
        if event["starts_at"] <= clock.iso(clock.now()):
            raise EventStarted(event)


def leave_waiting_list(record: dict[str, Any], now: str, how: Leaving = BY_PERSON) -> None:
    """Give up a spot on the waiting list. Raises RecordChanged or EventStarted."""
    event_id = record["event_id"]
    told = [_cancelled(record, now)] if how.announce else []
    try:
        store.transact([leave_op(record, WAITLISTED, now, how), _hand_on(event_id, now), *told])
    except store.ConditionFailed as refused:
        _raise_if_started(refused, 1)
        raise RecordChanged() from None


def give_up(record: dict[str, Any], now: str, *, expected: str = CONFIRMED,
            how: Leaving = BY_PERSON) -> dict[str, Any] | None:
    """Give up a place (`expected` CONFIRMED) or an offered one (OFFERED); hand it to the first
    person still waiting, if any: promoted, or inside the offer window offered it (held for
    them until they answer). Return whom it went to. Raises RecordChanged when the record is no
    longer `expected`, EventStarted once the event has begun."""
    event_id = record["event_id"]
    event = events.get_event(event_id)
    if event is None:
        raise NotFound("event")
    offer = offering(event)
    expires = offer_expiry(event)
    # The stored `confirmed` counts places taken, offered ones included (events.service.counts).
    leaver = {"confirmed": -1, "cancelled": +1, "offered": -1 if expected == OFFERED else 0}
    taker = {"confirmed": +1, "waitlisted": -1, "offered": +1 if offer else 0}
    moves = {name: leaver.get(name, 0) + taker.get(name, 0) for name in dict.fromkeys([*leaver, *taker])}
    hand_on = counts_op(event_id, moves, NOT_STARTED, names=NOT_STARTED_NAMES, vals={":now": now})
    # Only free the place outright when the counter says nobody waits, so someone the index
    # does not show yet is never left waiting beside an empty seat.
    free = counts_op(event_id, leaver, f"{NOT_STARTED} AND #waitlisted = :zero",
                     names=(*NOT_STARTED_NAMES, "waitlisted"), vals={":now": now, ":zero": 0})
    leave = leave_op(record, expected, now, how)

    def told(promoted: bool) -> list[store.Operation]:
        return [_cancelled(record, now, promoted=promoted)] if how.announce else []

    for attempt in range(store.ATTEMPTS):
        for candidate in waiting_list(event_id, limit=5):
            if candidate["email"] == record["email"]:
                continue  # the index has not yet seen this person's own promotion
            taking = ([_offer(candidate, now, expires), hand_on, *told(False), _offered(candidate, now, expires)]
                      if offer else [_promote(candidate, now), hand_on, *told(True), promoted_entry(candidate, now)])
            try:
                store.transact([leave, *taking])
            except store.ConditionFailed as refused:
                _raise_if_started(refused, 2)
                if refused.refused(0):
                    raise RecordChanged() from None
                continue  # promoted or cancelled by someone else: the next in line
            return candidate
        try:
            store.transact([leave, free, *told(False)])
        except store.ConditionFailed as refused:
            if refused.refused(0):
                raise RecordChanged() from None
            _raise_if_started(refused, 1)
            time.sleep(0.05 * (attempt + 1))  # someone joined the list; the index shows them shortly
            continue
        return None
    # The index lags behind the counter for longer than expected: free the place now and fill
    # it from the list as it shows.
    store.transact([leave, counts_op(event_id, leaver, NOT_STARTED, names=NOT_STARTED_NAMES, vals={":now": now}),
                    *told(False)])
    promote_waiting(event_id)  # announces whom it promotes
    return None


def promote_waiting(event_id: str) -> list[dict[str, Any]]:
    """Fill free places from the waiting list in arrival order (e.g. after capacity grew);
    inside the offer window each is offered instead (held until answered).

    Each promotion is its own transaction conditioned on a free place and the person still
    waiting, so running this twice, or alongside a cancellation, never over-fills the event.
    """
    event = events.get_event(event_id)
    if event is None:
        return []
    offer = offering(event)
    promoted: list[dict[str, Any]] = []
    done: set[str] = set()
    while True:
        moved = False
        # Past the people just promoted, whom a lagging index may still list as waiting.
        for candidate in waiting_list(event_id, limit=10 + len(done)):
            if candidate["registration_id"] in done:
                continue  # the index has not caught up with an earlier promotion
            now = clock.iso(clock.now())
            take_place = counts_op(event_id, {"confirmed": +1, "waitlisted": -1, "offered": +1 if offer else 0},
                                   f"{NOT_STARTED} AND #confirmed < #capacity",
                                   names=(*NOT_STARTED_NAMES, "capacity"), vals={":now": now})
            expires = offer_expiry(event)
            taking = ([_offer(candidate, now, expires), take_place, _offered(candidate, now, expires)] if offer
                      else [_promote(candidate, now), take_place, promoted_entry(candidate, now)])
            try:
                store.transact(taking)
            except store.ConditionFailed as refused:
                if refused.refused(1):
                    return promoted  # full, or the event has started
                continue
            done.add(candidate["registration_id"])
            promoted.append(candidate)
            moved = True
        if not moved:
            return promoted


def _cancelled(record: dict[str, Any], now: str, *, promoted: bool = False) -> store.Operation:
    # `promoted`: the place went to the next person in this same transaction (the email says so).
    return outbox.entry("RegistrationCancelled", domain_events.RegistrationCancelled(
        event_id=record["event_id"], registration_id=record["registration_id"], email=record["email"],
        previous_status=record.get("status", ""), cancelled_at=now, promoted=promoted))


def promoted_entry(candidate: dict[str, Any], now: str) -> store.Operation:
    return outbox.entry("WaitlistPromoted", domain_events.WaitlistPromoted(
        event_id=candidate["event_id"], registration_id=candidate["registration_id"], email=candidate["email"],
        promoted_at=now))


def _offered(candidate: dict[str, Any], now: str, expires: str) -> store.Operation:
    return outbox.entry("PlaceOffered", domain_events.PlaceOffered(
        event_id=candidate["event_id"], registration_id=candidate["registration_id"], email=candidate["email"],
        offered_at=now, expires_at=expires))


# -- attendance --------------------------------------------------------------------------------


def mark_attended(event_id: str, emails: Iterable[str], *, run_id: str | None = None) -> Attendance:
    """Mark each registered person as attended; the event's count goes up once per person.

    `run_id`: the attendance run marking them (attendance_runs.py), kept on each registration it
    marks, so that marking its chunk again reports those people as marked, not already marked.
    """
    if events.get_event(event_id) is None:
        raise NotFound("event")
    result = Attendance()
    now = clock.iso(clock.now())
    by_run = ", attendance_run = :run" if run_id else ""
    for email in dict.fromkeys(emails):
        try:
            store.transact([
                store.update_op(keys.registration(event_id, email), f"SET #attended = :yes, attended_at = :now{by_run}",
                                "attribute_exists(pk) AND (attribute_not_exists(#attended) OR #attended = :no)",
                                names=store.names("attended"),
                                vals={":yes": True, ":no": False, ":now": now, **({":run": run_id} if run_id else {})}),
                counts_op(event_id, {"attended": +1}, "attribute_exists(pk)"),
            ])
        except store.ConditionFailed as refused:
            if refused.refused(0) and run_id and (refused.old_item(0) or {}).get("attendance_run") == run_id:
                result.marked.append(email)  # by this run, in an earlier delivery of the chunk
            elif refused.refused(0) and refused.old_item(0):
                result.already.append(email)
            elif refused.refused(0):
                result.unknown.append(email)
            else:
                raise
            continue
        result.marked.append(email)
    return result


# -- a person's data (export, erasure) ----------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """Every registration held for this address, across events (an index query, never a scan)."""
    return {"registrations": [
        keys.stored_fields(item)
        for item in store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_REGISTRATIONS)
    ]}


def erase_person(email: str) -> int:
    """Delete every registration of this address; return how many were deleted.

    A place (or waiting spot) still held at an event that has not started is first given up as
    a cancellation would, promoting the next waiting person, so no seat stays taken by nobody.
    At events that have started the counts are history and stay exactly as they are.
    """
    erased = 0
    for item in list(store.query(keys.person_pk(email), index=keys.GSI2,
                                 sk_prefix=keys.PERSON_REGISTRATIONS)):
        if item.get("status") in HOLDING:
            _give_up_before_erasure(item)
        store.delete(keys.registration(item["event_id"], item["email"]))
        erased += 1
    return erased


def _give_up_before_erasure(record: dict[str, Any]) -> bool:
    """Cancel a held place so the next waiting person gets it; False once the event has begun
    (or is gone), when the counts are history and stay as they are."""
    try:
        cancel(record["event_id"], record["email"])
    except (EventStarted, NotFound):
        return False
    return True
