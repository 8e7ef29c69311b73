"""A person's choices about email, per purpose, managed by the person through the personal link
every email carries (`/u/{token}`): summary reports yes / no, news of future events yes / no,
or nothing at all.

Reports are refused by the suppression list (reports.suppression, reason "unsubscribed");
news by the subscriber item losing its place in the list (subscriptions). Only the person's own
link lifts a refusal, and only one they made: a bounce or a complaint stays. RFC 8058's one-click
POST refuses the purpose of the email it came in (the link says which).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.core import keys, store, tokens
from chalicelib.core.settings import get_settings
from chalicelib.core.validation import normalise_email
from chalicelib.reports import suppression
from chalicelib.subscriptions import service as subscriptions

REPORTS = "reports"
NEWS = "news"
PURPOSES = (REPORTS, NEWS)
# The link in an email that is for neither (a registration's confirmation, ...): the page shows
# the choices only, and a one-click POST to it refuses both.
CHOICES = "choices"


@dataclass(frozen=True)
class Preferences:
    email: str
    purpose: str  # what the email that carried the link was for
    reports: bool
    news: bool
    # A bounce or a complaint: nothing can be sent, and only the organisers' records say why.
    blocked: bool


def link(email: str, purpose: str = REPORTS, event_id: str = "") -> str:
    """A personal preferences link (also the List-Unsubscribe target of a mailing)."""
    raw = tokens.issue_token(suppression.UNSUBSCRIBE_PURPOSE,
                             {"email": normalise_email(email), "event_id": event_id, "list": purpose},
                             ttl=timedelta(days=suppression.UNSUBSCRIBE_DAYS))
    return f"{get_settings().public_base_url}/u/{raw}"


def _owner(raw_token: str, *, use: bool) -> tuple[str, str] | None:
    find = tokens.redeem if use else tokens.peek
    token = find(raw_token, suppression.UNSUBSCRIBE_PURPOSE)
    if token is None or not token.data.get("email"):
        return None
    purpose = str(token.data.get("list") or REPORTS)  # links made before purposes were for reports
    return str(token.data["email"]), purpose if purpose in (*PURPOSES, CHOICES) else REPORTS


def preferences(raw_token: str) -> Preferences | None:
    """What the link's owner gets now; looking changes nothing. None for an unknown link."""
    owner = _owner(raw_token, use=False)
    return None if owner is None else _read(*owner)


def one_click(raw_token: str) -> Preferences | None:
    """RFC 8058: refuse the purpose of the email the link came in."""
    owner = _owner(raw_token, use=True)
    if owner is None:
        return None
    email, purpose = owner
    _refuse(email, purpose)
    return _read(email, purpose)


def choose(raw_token: str, *, reports: bool, news: bool) -> Preferences | None:
    """Set both purposes as the person chose them on their page."""
    owner = _owner(raw_token, use=True)
    if owner is None:
        return None
    email, purpose = owner
    for wanted, name in ((reports, REPORTS), (news, NEWS)):
        if wanted:
            _accept(email, name)
        else:
            _refuse(email, name)
    return _read(email, purpose)


def _read(email: str, purpose: str) -> Preferences:
    why = suppression.suppressed_because(email)
    member = subscriptions.subscriber(email)
    return Preferences(email=email, purpose=purpose, reports=why is None,
                       news=subscriptions.is_listed(member) and why in (None, suppression.UNSUBSCRIBED),
                       blocked=why in (suppression.BOUNCED, suppression.COMPLAINED))


def _refuse(email: str, purpose: str) -> None:
    if purpose == CHOICES:
        for each in PURPOSES:
            _refuse(email, each)
    elif purpose == REPORTS:
        suppression.suppress(email, suppression.UNSUBSCRIBED, source="preferences")
    else:
        subscriptions.leave(email)


def _accept(email: str, purpose: str) -> None:
    if purpose == REPORTS:
        # Only the person's own refusal is lifted; a bounce or a complaint stays.
        with contextlib.suppress(store.ConditionFailed):
            store.transact([store.delete_op(keys.suppression(normalise_email(email)), "reason = :why",
                                            vals={":why": suppression.UNSUBSCRIBED})])
    else:
        subscriptions.join(email, source="preferences")
