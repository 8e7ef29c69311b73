"""The emails a registration sends, each with a manage link and, where it gives or takes a
place, a calendar invite: one table of mails (MAILS) and one function that sends any of them."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from chalicelib.core import clock, keys, mail, store, tokens
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.registration import checkins, holds, offers
from chalicelib.registration import invite as ics
from chalicelib.registration.service import CONFIRMED, HOLD_MINUTES, MANAGE_PURPOSE, WAITLISTED, position

# Manage links keep working a while after the event (to look back at the registration).
MANAGE_DAYS_AFTER = timedelta(days=14)


def manage_link(event: dict[str, Any], record: dict[str, Any]) -> str:
    """A fresh link to the registration's manage page, valid until a while after the event."""
    ttl = clock.parse(event["ends_at"]) + MANAGE_DAYS_AFTER - clock.now()
    raw = tokens.issue_token(
        MANAGE_PURPOSE, {"event_id": record["event_id"], "email": record["email"]},
        ttl=max(ttl, timedelta(days=1)),
    )
    return f"{get_settings().public_base_url}/r/{raw}"


@dataclass(frozen=True)
class Mail:
    """One email a registration sends: its template (emails/<template>.txt and .html), the
    subject before the event's title, and the calendar file it may carry."""

    subject: str
    invite: str | None = None  # ics.REQUEST or ics.CANCEL
    # The CANCEL of a cancelled event goes to everyone it concerned, waiting people included.
    invite_everyone: bool = False
    # A confirmed person's check-in QR code for the door.
    checkin: bool = False
    # The link the email is for besides the manage link: OFFER (accept or decline a place) or
    # ADDRESS (confirm the address a hold waits for).
    link: str | None = None
    # Sent without the person acting just now (an offer) or to an address not yet known to
    # work: never to one that bounced or complained.
    guarded: bool = False


OFFER = "offer"
UNDELIVERABLE = frozenset({"bounced", "complained"})
ADDRESS = "address"


MAILS = {
    "registration_confirmed": Mail("You're registered", invite=ics.REQUEST, checkin=True),
    "registration_waitlisted": Mail("You're on the waiting list"),
    "registration_repeated": Mail("You're already registered", invite=ics.REQUEST, checkin=True),
    "waitlist_promoted": Mail("A place has come up, you're registered", invite=ics.REQUEST, checkin=True),
    "registration_cancelled": Mail("Registration cancelled", invite=ics.CANCEL),
    "registration_reminder": Mail("See you soon"),
    "place_offered": Mail("A place has come up for you", link=OFFER, guarded=True),
    "address_confirm": Mail("Confirm your email address", link=ADDRESS, guarded=True),
    "event_moved": Mail("Changed", invite=ics.REQUEST, checkin=True),
    "event_cancelled": Mail("Cancelled", invite=ics.CANCEL, invite_everyone=True),
}


def send(template: str, event: dict[str, Any], record: dict[str, Any],
         detail: dict[str, Any]) -> str:
    """Send the registration email `template` (a key of MAILS) to `record`'s person; return the
    SES message id ("" when withheld). `detail` is the domain event that asked for it."""
    if withheld(template, record):
        return ""
    sent = mail.send(build(template, event, record, detail))
    note_sent(event, record)
    return sent


def build(template: str, event: dict[str, Any], record: dict[str, Any], detail: dict[str, Any]) -> mail.Email:
    """The registration email `template` (a key of MAILS) as `record`'s person gets it."""
    spec = MAILS[template]
    link = manage_link(event, record)
    status = record.get("status")
    attachments = _attachments(spec, event, record, detail, link)
    checkin_url = None
    if spec.checkin and status == CONFIRMED:
        checkin_url = checkins.checkin_link(event, record)
        attachments.append(checkins.qr_code(checkin_url))
    return mail.Email(
        to=record["email"],
        subject=f"{spec.subject}: {display_title(event)}",
        template=template,
        context={"event": event, "title": display_title(event), "person": record, "manage_url": link,
                 "status": status, "previous_status": detail.get("previous_status"),
                 "promoted": bool(detail.get("promoted")), "before": detail.get("before") or {},
                 "checkin_url": checkin_url, "checkin_cid": checkins.QR_CONTENT_ID,
                 "position": position(record) if status == WAITLISTED else None,
                 **_links(spec, event, record)},
        attachments=attachments,
    )


def note_sent(event: dict[str, Any], record: dict[str, Any]) -> None:
    """After a registration email went: the person has seen the event as it is now."""
    _saw_sequence(record, int(event.get("sequence", 0)))


def withheld(template: str, record: dict[str, Any]) -> bool:
    """Whether this email must not go to `record`'s address: an offer or a confirmation link to an
    address that bounced or complained would hold a place for no one who reads it."""
    if MAILS[template].guarded and undeliverable(record["email"]):
        logger.info("address suppressed; mail not sent", extra={"mail": template})
        return True
    return False


def undeliverable(email: str) -> bool:
    """Whether the address bounced or complained (mail to it would not be read)."""
    from chalicelib.reports.suppression import suppressed_because

    return suppressed_because(email) in UNDELIVERABLE


def _links(spec: Mail, event: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    if spec.link == OFFER:
        url = offers.link(event, record)
        return {"offer_url": url, "accept_url": f"{url}?answer={offers.ACCEPT}",
                "decline_url": f"{url}?answer={offers.DECLINE}", "offer_expires_at": record.get("offer_expires_at")}
    if spec.link == ADDRESS:
        return {"confirm_url": holds.link(event, record), "hold_minutes": HOLD_MINUTES}
    return {}


def _saw_sequence(record: dict[str, Any], sequence: int) -> None:
    """Note that the person has been sent the event as it is at `sequence`, so a notice of a
    change they already saw (they registered after it) is not sent."""
    # Refused when already noted at this sequence or later, or when the registration is gone.
    with contextlib.suppress(store.ConditionFailed):
        store.update(keys.registration(record["event_id"], record["email"]), "SET seen_sequence = :seq",
                     condition="registration_id = :rid AND (attribute_not_exists(seen_sequence) "
                               "OR seen_sequence < :seq)",
                     vals={":seq": sequence, ":rid": record["registration_id"]}, return_values="NONE")


def saw_sequence(record: dict[str, Any], sequence: int) -> bool:
    """Whether the person was already sent the event as it is at `sequence`."""
    return int(record.get("seen_sequence", -1)) >= sequence


def _attachments(spec: Mail, event: dict[str, Any], record: dict[str, Any], detail: dict[str, Any],
                 link: str) -> list[mail.Attachment]:
    # A REQUEST goes to whoever holds a place, a CANCEL to whoever held one until now.
    held = detail.get("previous_status") if spec.invite == ics.CANCEL else record.get("status")
    if spec.invite is None or (held != CONFIRMED and not spec.invite_everyone):
        return []
    return [invite(event, record, link, method=spec.invite)]


def invite(event: dict[str, Any], record: dict[str, Any], manage_url: str, *,
           method: str = ics.REQUEST) -> mail.Attachment:
    """The .ics for this person: REQUEST for a place, CANCEL when given up (same UID)."""
    organiser_name, organiser_email = parseaddr(get_settings().mail_from)
    description = (
        f"{display_title(event)}, hosted by {event['host']}.\n"
        f"Change or cancel your registration: {manage_url}"
    )
    cancel = method == ics.CANCEL
    data = ics.build(ics.Invite(
        uid=f"{record['registration_id']}@clubflow",
        method=method,
        # Each move of the event raises its sequence; a cancellation must outrank the invite
        # it replaces.
        sequence=int(event.get("sequence", 0)) + (1 if cancel else 0),
        title=display_title(event),
        starts_at=clock.parse(event["starts_at"]),
        ends_at=clock.parse(event["ends_at"]),
        timezone=event["timezone"],
        location=event["venue"],
        description=description,
        url=manage_url,
        organizer_name=organiser_name or "CofEe Club",
        organizer_email=organiser_email,
        attendee_name=record.get("name", ""),
        attendee_email=record["email"],
        stamp=clock.now(),
    ))
    return mail.Attachment("cancel.ics" if cancel else "invite.ics",
                           f"text/calendar; method={method}; charset=UTF-8", data)
