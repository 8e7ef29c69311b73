"""Places offered near the start: inside the event's offer window a freed place is not given to
the first waiting person but offered, and held for them until they answer or the offer lapses
(after 12 hours, or at the start). Accepting confirms the place; declining, or letting it lapse,
passes it on to the next person waiting in the same transaction, as a cancellation does.

The person answers on the page an emailed link opens (a POST from its buttons: mail scanners
only look). The lapse comes from a Scheduler schedule set when the offer is made, never from
polling.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, keys, schedules, store, tokens
from chalicelib.core.domain_events import OfferExpiryDue, PlaceOffered
from chalicelib.core.errors import Conflict
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.events import service as events
from chalicelib.registration import service

OFFER_PURPOSE = "offer"
ACCEPT = "accept"
DECLINE = "decline"
ANSWERS = (ACCEPT, DECLINE)
# Where an offer stands, as its page shows it.
OPEN, ACCEPTED, DECLINED, LAPSED = "open", "accepted", "declined", "lapsed"
DECLINED_BY_PERSON = service.Leaving(announce=False, mark="declined_at")
LAPSED_UNANSWERED = service.Leaving(announce=False, mark="lapsed_at")
# The link outlives the offer, so a late answer is told the offer lapsed rather than 404.
LINK_DAYS_AFTER = timedelta(days=14)


class OfferLapsed(Conflict):
    """The offer is no longer open: it lapsed, was declined, or the event has begun."""

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__({"answer": "This offer has lapsed: the time to answer has passed (or it was already "
                                    "answered), and the place is no longer kept for you."}, page={"event": event})


@dataclass(frozen=True)
class Offer:
    event: dict[str, Any]
    record: dict[str, Any]
    state: str
    already: bool = False  # answered the same way before: nothing changed now


def link(event: dict[str, Any], record: dict[str, Any]) -> str:
    """A fresh link to the offer's page (valid until a while after the event, as manage links)."""
    ttl = clock.parse(event["ends_at"]) + LINK_DAYS_AFTER - clock.now()
    raw = tokens.issue_token(OFFER_PURPOSE, {"event_id": record["event_id"], "email": record["email"],
                                             "registration_id": record["registration_id"]},
                             ttl=max(ttl, timedelta(days=1)))
    return f"{get_settings().public_base_url}/o/{raw}"


def state(record: dict[str, Any]) -> str:
    if record.get("status") == service.OFFERED and clock.iso(clock.now()) < record.get("offer_expires_at", ""):
        return OPEN
    if record.get("accepted_at") and record.get("status") == service.CONFIRMED:
        return ACCEPTED
    if record.get("declined_at"):
        return DECLINED
    return LAPSED


def from_link(raw_token: str) -> Offer | None:
    """The offer a link points at; None for an unknown link, or a registration since replaced."""
    token = tokens.peek(raw_token, OFFER_PURPOSE)
    if token is None:
        return None
    event = events.get_event(str(token.data.get("event_id", "")))
    record = service.get_registration(str(token.data.get("event_id", "")), str(token.data.get("email", "")))
    if event is None or record is None or record.get("registration_id") != token.data.get("registration_id"):
        return None
    return Offer(event, record, state(record))


def answer(raw_token: str, reply: str) -> Offer | None:
    """Accept or decline the offer a link points at; answering the same way again changes
    nothing. None for an unknown link; raises OfferLapsed when the offer is no longer open."""
    for _ in range(store.ATTEMPTS):
        offer = from_link(raw_token)
        if offer is None:
            return None
        if offer.state != OPEN:
            if offer.state == {ACCEPT: ACCEPTED, DECLINE: DECLINED}[reply]:
                return Offer(offer.event, offer.record, offer.state, already=True)
            raise OfferLapsed(offer.event)
        try:
            changed = _accept(offer.record) if reply == ACCEPT else _decline(offer.record)
        except service.RecordChanged:
            continue  # answered, or lapsed, at the same moment: look again
        except service.EventStarted:
            raise OfferLapsed(offer.event) from None
        return Offer(offer.event, changed, ACCEPTED if reply == ACCEPT else DECLINED)
    raise RuntimeError("an offer's answer kept colliding; the person may try again")


def _accept(record: dict[str, Any]) -> dict[str, Any]:
    """The offered place becomes the person's: it leaves the offered count and stays taken.
    Answering an emailed link proves the address too, so a pending hold is confirmed with it."""
    now = clock.iso(clock.now())
    event_id = record["event_id"]
    try:
        store.transact([
            store.update_op(
                keys.registration(event_id, record["email"]),
                "SET #status = :confirmed, confirmed_at = :now, accepted_at = :now REMOVE address_pending",
                "#status = :offered AND registration_id = :rid AND offer_expires_at > :now",
                names=store.names("status"),
                vals={":confirmed": service.CONFIRMED, ":offered": service.OFFERED, ":now": now,
                      ":rid": record["registration_id"]}),
            service.counts_op(event_id, {"offered": -1}, service.NOT_STARTED,
                              names=service.NOT_STARTED_NAMES, vals={":now": now}),
            service.promoted_entry(record, now),  # the place's email, with its invite
        ])
    except store.ConditionFailed as refused:
        if refused.refused(0):
            raise service.RecordChanged() from None
        raise service.EventStarted(refused.old_item(1) or {}) from None
    return {**record, "status": service.CONFIRMED, "confirmed_at": now, "accepted_at": now}


def _decline(record: dict[str, Any]) -> dict[str, Any]:
    now = clock.iso(clock.now())
    service.give_up(record, now, expected=service.OFFERED, how=DECLINED_BY_PERSON)
    return {**record, "status": service.CANCELLED, "declined_at": now}


# -- workers -----------------------------------------------------------------------------------


def plan_lapse(_: str, offered: PlaceOffered) -> None:
    """Set the schedule that lapses the offer when it expires. An offer to an address that
    bounced or complained is never emailed, so it passes on now rather than hold the place; so
    does one whose time has passed already (a late delivery: Scheduler takes no past times)."""
    from chalicelib.registration import emails

    due = OfferExpiryDue(event_id=offered["event_id"], registration_id=offered["registration_id"],
                         email=offered["email"], expires_at=offered["expires_at"])
    if emails.undeliverable(offered["email"]) or clock.parse(offered["expires_at"]) <= clock.now():
        logger.info("offer passed on without waiting", extra={"event_id": offered["event_id"]})
        lapse("OfferExpiryDue", due)
        return
    schedules.schedule_domain_event(
        keys.offer_schedule(offered["registration_id"]), clock.parse(offered["expires_at"]), "OfferExpiryDue",
        dict(due), description=f"Pass an unanswered offer of a place at {offered['event_id']} on to the next person")


def lapse(_: str, due: OfferExpiryDue) -> None:
    """Pass an offer nobody answered on to the next waiting person; an offer answered since (or
    a later one) is left alone, so a repeated delivery changes nothing."""
    for _attempt in range(store.ATTEMPTS):
        record = service.get_registration(due["event_id"], due["email"])
        if (record is None or record.get("registration_id") != due["registration_id"]
                or record.get("status") != service.OFFERED or record.get("offer_expires_at") != due["expires_at"]):
            logger.info("offer answered or gone; nothing lapses", extra={"event_id": due["event_id"]})
            return
        now = clock.iso(clock.now())
        event = events.get_event(due["event_id"])
        if event is None:
            return
        try:
            if event.get("cancelled_at") or event["starts_at"] <= now:
                _release_without_passing_on(record, now)
            else:
                taker = service.give_up(record, now, expected=service.OFFERED, how=LAPSED_UNANSWERED)
                logger.info("offer lapsed and passed on", extra={"event_id": due["event_id"], "passed_on": bool(taker)})
        except service.RecordChanged:
            continue  # answered at this very moment: look again
        except service.EventStarted:
            continue  # began meanwhile: nobody else can take it now
        return


def _release_without_passing_on(record: dict[str, Any], now: str) -> None:
    """At (or after) the start, or at a cancelled event, nobody else can take the place: the
    offer lapses and the place is simply no longer held."""
    try:
        store.transact([
            service.leave_op(record, service.OFFERED, now, LAPSED_UNANSWERED),
            service.counts_op(record["event_id"], {"confirmed": -1, "offered": -1, "cancelled": +1},
                              "attribute_exists(pk)"),
        ])
    except store.ConditionFailed as refused:
        if refused.refused(0):
            raise service.RecordChanged() from None
        raise
