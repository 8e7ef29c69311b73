"""The club's list: people who asked for news of future events, between events.

Joining takes a confirmed address. From the "keep in touch" form, the address is emailed a
link whose page has a Confirm button (mail scanners open links; only the button's POST joins),
and the form answers the same whether or not the address is known. A registration that asked
for news of future events joins at once: the registration's own email went to that address.

A subscriber is one item per normalised address, listed on GSI1 by when they joined (the
announcements read that listing, never a Scan) and indexed by person (export, erase).
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, hashing, keys, mail, outbox, rate_limits, store, tokens
from chalicelib.core.domain_events import SubscriptionRequested
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.validation import normalise_email
from chalicelib.subscriptions.forms import SubscriptionRequest

SUBSCRIPTION_REQUESTED = "SubscriptionRequested"
CONFIRM_SUBSCRIPTION = "confirm-subscription"
LINK_DAYS = 7
REQUESTS_PER_EMAIL_PER_HOUR = 5
FROM_FORM = "form"


# --- the public: ask to join ------------------------------------------------------------------


def request_subscription(request: SubscriptionRequest) -> None:
    """Have a confirmation link emailed. Nothing is stored until the link's button is pressed.

    Robots and requests over the rate limits are dropped without a word.
    """
    if request.by_robot or not _within_rate_limits(request.email):
        logger.info("subscription request dropped", extra={"by_robot": request.by_robot})
        return
    outbox.put(SUBSCRIPTION_REQUESTED, {
        "request_id": secrets.token_hex(16), "email": request.email, "name": request.name,
        "organisation": request.organisation, "requested_at": clock.iso(clock.now())})


def _within_rate_limits(email: str) -> bool:
    # Every request emails whatever address was typed: cap each address (each client is
    # limited at the route, core/rate_limits; a cap for everyone would let strangers starve people).
    return rate_limits.within_hourly_limits([
        ("subscriptions-email", hashing.email_digest(email), REQUESTS_PER_EMAIL_PER_HOUR),
    ])


# --- the worker: email the link ---------------------------------------------------------------


def send_confirmation(detail: SubscriptionRequested) -> bool:
    """Email the link that joins; nothing to someone already on the list (they need no link,
    and the form said the same to whoever asked)."""
    email = detail["email"]
    if is_listed(subscriber(email)):
        return False
    raw = tokens.issue_token(CONFIRM_SUBSCRIPTION, {"email": email, "name": detail.get("name", ""),
                                                    "organisation": detail.get("organisation", "")},
                             ttl=timedelta(days=LINK_DAYS), max_uses=1)
    mail.send(mail.Email(
        to=email,
        subject="Confirm you would like news of CofEe Club events",
        template="subscription_confirm",
        context={"link": f"{get_settings().public_base_url}/subscriptions/{raw}", "days": LINK_DAYS},
    ))
    return True


# --- the public: open the emailed link --------------------------------------------------------


def pending_subscription(raw_token: str) -> str | None:
    """The address the link would add; looking adds nothing. None for any link not valid now."""
    token = tokens.peek(raw_token, CONFIRM_SUBSCRIPTION)
    return None if token is None else str(token.data["email"])


def confirm_subscription(raw_token: str) -> str | None:
    """Join the link's address (once), then use the link up; return the address, or None.

    Joining again changes nothing, so a failure between the two leaves a link that still works.
    """
    token = tokens.peek(raw_token, CONFIRM_SUBSCRIPTION)
    if token is None:
        return None
    data = token.data
    join(str(data["email"]), name=str(data.get("name", "")), organisation=str(data.get("organisation", "")),
         source=FROM_FORM)
    if tokens.redeem(raw_token, CONFIRM_SUBSCRIPTION) is None:
        return None
    return str(data["email"])


# --- joining, from the link or from a registration --------------------------------------------


def join(email: str, *, name: str = "", organisation: str = "", source: str,
         consented_at: str | None = None) -> bool:
    """Put the address on the list; False if it already was (its first joining is kept), or if
    the person left the list after `consented_at` (a redelivered registration must not undo a
    refusal made since; a new consent, later than the refusal, does rejoin)."""
    address = normalise_email(email)
    joined_at = clock.iso(clock.now())
    try:
        store.put({**keys.subscriber(address), **keys.subscriber_listing(joined_at, address),
                   **keys.person(address, keys.PERSON_SUBSCRIPTION),
                   "email": address, "name": name, "organisation": organisation,
                   "source": source, "joined_at": joined_at},
                  # An explicit consent now (the link's button, the person's page) rejoins whoever left.
                  condition="attribute_not_exists(pk) OR left_at < :consented" if consented_at
                  else "attribute_not_exists(pk) OR attribute_exists(left_at)",
                  vals={":consented": consented_at} if consented_at else None)
    except store.ConditionFailed:
        return False
    logger.info("subscriber joined", extra={"source": source})
    return True


def join_from_registration(registration: dict[str, Any], event_id: str) -> bool:
    """A registration that asked for news of future events joins the list, without a second
    confirmation; one that did not changes nothing."""
    if not registration.get("consent_updates"):
        return False
    return join(str(registration["email"]), name=str(registration.get("name") or ""),
                organisation=str(registration.get("organisation") or ""),
                source=f"registration:{event_id}", consented_at=str(registration.get("registered_at") or ""))


def leave(email: str) -> None:
    """Take the address off the list (the item stays, unlisted, saying when: see `join`)."""
    address = normalise_email(email)
    left_at = clock.iso(clock.now())
    listing = keys.former_subscriber_listing(left_at, address)
    # Never on the list, or already left: nothing to change.
    with contextlib.suppress(store.ConditionFailed):
        store.update(keys.subscriber(address), "SET left_at = :at, gsi1pk = :gpk, gsi1sk = :gsk",
                     condition="attribute_exists(pk) AND gsi1pk = :listed",
                     vals={":at": left_at, ":gpk": listing["gsi1pk"], ":gsk": listing["gsi1sk"],
                           ":listed": keys.SUBSCRIBER_LISTING_PK}, return_values="NONE")


def is_listed(member: dict[str, Any] | None) -> bool:
    return bool(member and member.get("gsi1pk") == keys.SUBSCRIBER_LISTING_PK)


def counts() -> dict[str, int]:
    """How many are on the list, and how many left it (from the listings, never a Scan)."""
    return {"subscribed": sum(1 for _ in subscribers()),
            "left": sum(1 for _ in store.query(keys.FORMER_SUBSCRIBER_LISTING_PK, index=keys.GSI1))}


def subscriber(email: str) -> dict[str, Any] | None:
    return store.get(keys.subscriber(normalise_email(email)))


def subscribers() -> Iterator[dict[str, Any]]:
    """Every confirmed subscriber, oldest first, from the listing (never a Scan)."""
    yield from store.query(keys.SUBSCRIBER_LISTING_PK, index=keys.GSI1)


# --- a person's data (export, erasure) --------------------------------------------------------


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    return {"subscriptions": [keys.stored_fields(item) for item in store.query(
        keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_SUBSCRIPTION)]}


def erase_person(email: str) -> int:
    items = list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_SUBSCRIPTION))
    for item in items:
        store.delete(keys.primary_key(item))
    return len(items)
