"""Who must never get a report again: one item per normalised address, with the first reason
(unsubscribed, bounced, complained), and the one-click unsubscribe links that add to it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.core import clock, keys, store, tokens
from chalicelib.core.settings import get_settings
from chalicelib.core.validation import normalise_email

UNSUBSCRIBE_PURPOSE = "unsubscribe"
# Reports arrive months apart: a link in last year's report should still work.
UNSUBSCRIBE_DAYS = 365
UNSUBSCRIBED = "unsubscribed"
BOUNCED = "bounced"
COMPLAINED = "complained"
REASONS = (UNSUBSCRIBED, BOUNCED, COMPLAINED)


def suppress(email: str, reason: str, source: str = "") -> bool:
    """Stop every future report to this address; return False if it was already suppressed
    (the first reason and time are kept, so repeating this changes nothing)."""
    address = normalise_email(email)
    try:
        store.put(
            {**keys.suppression(address), **keys.person(address, keys.PERSON_SUPPRESSION),
             "email": address, "reason": reason, "source": source,
             "suppressed_at": clock.iso(clock.now())},
            condition="attribute_not_exists(pk)",
        )
    except store.ConditionFailed:
        return False
    return True


def is_suppressed(email: str) -> bool:
    return suppressed_because(email) is not None


def suppressed_because(email: str) -> str | None:
    """Why the address gets no report (unsubscribed, bounced, complained), or None."""
    item = store.get(keys.suppression(normalise_email(email)))
    return None if item is None else str(item.get("reason") or "suppressed")


def reasons_among(emails: list[str]) -> dict[str, str]:
    """Of these addresses, those that get no report, with why (one read per 100 addresses)."""
    by_address = {normalise_email(email): email for email in emails}
    found = store.get_many([keys.suppression(address) for address in by_address])
    return {by_address[str(item["email"])]: str(item.get("reason") or "suppressed")
            for item in found if item.get("email") in by_address}


def unsubscribe_link(email: str, event_id: str) -> str:
    """A personal one-click unsubscribe URL (for the List-Unsubscribe header and the footer)."""
    raw = tokens.issue_token(UNSUBSCRIBE_PURPOSE, {"email": normalise_email(email), "event_id": event_id},
                             ttl=timedelta(days=UNSUBSCRIBE_DAYS))
    return f"{get_settings().public_base_url}/u/{raw}"


def unsubscribe_links(emails: list[str], event_id: str) -> dict[str, str]:
    """`unsubscribe_link` for many addresses at once (their tokens stored 25 a request)."""
    raws = tokens.issue_tokens(UNSUBSCRIBE_PURPOSE, [{"email": normalise_email(email), "event_id": event_id}
                                                     for email in emails],
                               ttl=timedelta(days=UNSUBSCRIBE_DAYS))
    base = get_settings().public_base_url
    return {email: f"{base}/u/{raw}" for email, raw in zip(emails, raws, strict=True)}


def subscriber(raw_token: str) -> str | None:
    """The address an unsubscribe link belongs to; None for unknown or expired links."""
    token = tokens.peek(raw_token, UNSUBSCRIBE_PURPOSE)
    if token is None or not token.data.get("email"):
        return None
    return str(token.data["email"])


def unsubscribe(raw_token: str) -> str | None:
    """Suppress the link's address (again is fine); return it, or None for an unknown link."""
    token = tokens.redeem(raw_token, UNSUBSCRIBE_PURPOSE)
    if token is None or not token.data.get("email"):
        return None
    email = str(token.data["email"])
    suppress(email, UNSUBSCRIBED, source=f"report:{token.data.get('event_id', '')}")
    return email


def suppression_of(email: str) -> list[dict[str, Any]]:
    """The address's suppression item, if any, as the person index holds it."""
    return list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_SUPPRESSION))
