"""Host nominations: organisations offer to host a future event; organisers review the offers
and decide, and the nominee hears the decision by email.

A nomination and a short-lived guard on its (email, organisation) are written in one
transaction, so a double submit or a quick repeat makes nothing twice. Organisers list the
nominations of one status, oldest first, from an index; a decision that changes nothing (the
same status again) sends nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import auth, clock, hashing, keys, mail, outbox, rate_limits, store
from chalicelib.core.domain_events import NominationDecided
from chalicelib.core.observability import logger
from chalicelib.core.text import one_line
from chalicelib.nominations.forms import Decision, HostNomination

NOMINATION_RECEIVED = "NominationReceived"
NOMINATION_DECIDED = "NominationDecided"
RECEIVED = "received"
STATUSES = (RECEIVED, "shortlisted", "accepted", "declined")
# The same organisation nominated from the same address within this time is a repeat.
REPEAT_WINDOW = timedelta(hours=1)
NOMINATIONS_PER_EMAIL_PER_HOUR = 3
LISTING_LIMIT = 500
_VIEW_FIELDS = ("nomination_id", "kind", "organisation", "contact_name", "email", "city", "venue",
                "capacity", "facilities", "preferred_months", "message", "status", "received_at",
                "decided_at", "decided_by", "decision_message")


@dataclass(frozen=True)
class Decided:
    """A nomination after a decision, and whether the decision changed it."""

    nomination: dict[str, Any]
    changed: bool


# --- the public: nominate ---------------------------------------------------------------------


def nominate_host(nomination: HostNomination) -> str | None:
    """Store a host nomination and announce it; return its id.

    None when it was not stored: a repeat of one received within REPEAT_WINDOW, or over the
    rate limits. The nominee's answer is the same either way.
    """
    if not rate_limits.within_hourly_limits([
        # Acknowledgements go to whatever address is typed; each client is limited at the route.
        ("nominations-email", hashing.email_digest(nomination.email), NOMINATIONS_PER_EMAIL_PER_HOUR),
    ]):
        logger.info("host nomination dropped: rate limit")
        return None
    now = clock.now()
    received_at = clock.iso(now)
    nomination_id = secrets.token_hex(8)
    try:
        store.transact([
            store.put_op({**keys.nomination_guard(_fingerprint(nomination)), "nomination_id": nomination_id,
                          keys.TTL_ATTRIBUTE: int((now + REPEAT_WINDOW).timestamp())},
                         # DynamoDB removes expired items lazily: an expired guard no longer holds.
                         "attribute_not_exists(pk) OR #exp < :now",
                         names={"#exp": keys.TTL_ATTRIBUTE}, vals={":now": int(now.timestamp())}),
            store.put_op({**keys.nomination(nomination_id),
                          **keys.nomination_listing(RECEIVED, received_at, nomination_id),
                          **keys.person(nomination.email, keys.person_nomination(nomination_id)),
                          "nomination_id": nomination_id,
                          "kind": nomination.kind,
                          "organisation": nomination.organisation,
                          "contact_name": nomination.contact_name,
                          "email": nomination.email,
                          "city": nomination.city,
                          "venue": nomination.venue,
                          "capacity": nomination.capacity,
                          "facilities": nomination.facilities,
                          "preferred_months": nomination.preferred_months,
                          "message": nomination.message,
                          "status": RECEIVED,
                          "received_at": received_at},
                         "attribute_not_exists(pk)"),
            outbox.entry(NOMINATION_RECEIVED, {"nomination_id": nomination_id, "received_at": received_at}),
        ])
    except store.ConditionFailed as refused:
        if refused.refused(0):
            logger.info("host nomination repeated: nothing new stored")
            return None
        raise
    return nomination_id


def _fingerprint(nomination: HostNomination) -> str:
    organisation = one_line(nomination.organisation).casefold()
    # Keyed (core/hashing): an address and an organisation are easily guessed.
    return hashing.keyed_digest(nomination.email, organisation)


# --- organisers: review and decide ------------------------------------------------------------


def get_nomination(nomination_id: str) -> dict[str, Any] | None:
    return store.get(keys.nomination(nomination_id))


def nomination_view(item: dict[str, Any]) -> dict[str, Any]:
    """A nomination as organisers see it: its fields, no keys."""
    return {name: item.get(name) for name in _VIEW_FIELDS}


def list_nominations(status: str) -> list[dict[str, Any]]:
    """Nominations with `status`, oldest first, from the index (never a scan)."""
    return [nomination_view(item) for item in
            store.query(keys.nominations_pk(status), index=keys.GSI1, limit=LISTING_LIMIT)]


def decide_nomination(nomination_id: str, decision: Decision, organiser: str) -> Decided | None:
    """Record the organiser's decision and have the nominee emailed; None for no such nomination.

    Deciding what is already decided (the same status) changes nothing and sends nothing.
    """
    now = clock.iso(clock.now())
    try:
        store.transact([
            store.update_op(
                keys.nomination(nomination_id),
                "SET #status = :status, gsi1pk = :listing, decided_at = :at, decided_by = :by, "
                "decision_message = :message",
                "attribute_exists(pk) AND #status <> :status",
                names={"#status": "status"},
                vals={":status": decision.status, ":listing": keys.nominations_pk(decision.status),
                      ":at": now, ":by": organiser, ":message": decision.message},
            ),
            outbox.entry(NOMINATION_DECIDED, {
                "decision_id": secrets.token_hex(16),
                "nomination_id": nomination_id,
                "status": decision.status,
                "message": decision.message,
                "decided_at": now,
            }),
        ])
    except store.ConditionFailed:
        current = get_nomination(nomination_id)
        return Decided(nomination_view(current), changed=False) if current else None
    item = get_nomination(nomination_id)
    return Decided(nomination_view(item or {}), changed=True)


# --- the worker: emails -----------------------------------------------------------------------


def organiser_addresses() -> list[str]:
    """Where new nominations are announced: every organiser with a live key, once each."""
    return sorted({organiser.email for organiser in auth.list_organisers() if not organiser.revoked})


def acknowledge_nomination(nomination: dict[str, Any]) -> None:
    """Thank the nominee and say what happens next."""
    mail.send(mail.Email(
        to=nomination["email"],
        subject="Thank you for offering to host the CofEe Club",
        template="nomination_received",
        context={"nomination": nomination},
    ))


def announce_nomination(nomination: dict[str, Any], organiser: str) -> None:
    """Tell one organiser about a new nomination, with everything needed to review it."""
    mail.send(mail.Email(
        to=organiser,
        subject=f"New host nomination: {nomination['organisation']}",
        template="nomination_for_organisers",
        context={"nomination": nomination},
        headers={"Reply-To": nomination["email"]},
    ))


def tell_nominee(nomination: dict[str, Any], decision: NominationDecided) -> None:
    """Email the nominee the organisers' decision and their message."""
    mail.send(decision_email(nomination, decision["status"], decision.get("message") or ""))


def decision_email(nomination: dict[str, Any], status: str, message: str) -> mail.Email:
    """The email that tells the nominee a decision, with the organisers' message."""
    subjects = {
        "shortlisted": "Your offer to host the CofEe Club is shortlisted",
        "accepted": "You're hosting the CofEe Club: thank you",
        "declined": "About your offer to host the CofEe Club",
    }
    return mail.Email(
        to=nomination["email"],
        subject=subjects[status],
        template="nomination_decided",
        context={"nomination": nomination, "status": status, "message": message},
    )


def preview_decision(nomination_id: str, decision: Decision) -> dict[str, str] | None:
    """The email a decision would send the nominee, exactly, sending nothing; None for no such
    nomination."""
    item = get_nomination(nomination_id)
    if item is None:
        return None
    return mail.preview(decision_email(item, decision.status, decision.message))


# --- a person's data (export, erasure) --------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The host nominations sent from this address, with the contact details they hold."""
    return {"nominations": [
        nomination_view(item)
        for item in store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_NOMINATIONS)
    ]}


def erase_person(email: str) -> int:
    """Delete the nominations sent from this address; return how many.

    A nomination is an offer made by its contact, who could no longer be told a decision.
    """
    items = list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_NOMINATIONS))
    for item in items:
        store.delete(keys.primary_key(item))
    return len(items)
