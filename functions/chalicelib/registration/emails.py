"""The emails a registration sends, each with a manage link and, where it gives or takes a
place, a calendar invite."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from chalicelib.core import clock, mail, tokens
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.registration.service import MANAGE_PURPOSE

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


def invite(event: dict[str, Any], record: dict[str, Any], manage_url: str, *,
           cancel: bool = False) -> mail.Attachment:
    """The .ics for this person: REQUEST for a place, CANCEL when given up (same UID)."""
    from chalicelib.registration import invite as ics

    organiser_name, organiser_email = parseaddr(get_settings().mail_from)
    description = (
        f"{display_title(event)}, hosted by {event['host']}.\n"
        f"Change or cancel your registration: {manage_url}"
    )
    data = ics.build(ics.Invite(
        uid=f"{record['registration_id']}@clubflow",
        method=ics.CANCEL if cancel else ics.REQUEST,
        # The cancellation must outrank the invite it replaces.
        sequence=1 if cancel else 0,
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
    method = "CANCEL" if cancel else "REQUEST"
    return mail.Attachment("cancel.ics" if cancel else "invite.ics",
                           f"text/calendar; method={method}; charset=UTF-8", data)


def _send(template: str, subject: str, event: dict[str, Any], record: dict[str, Any],
          manage_url: str, attachments: list[mail.Attachment] | None = None,
          **context: Any) -> str:
    return mail.send(mail.Email(
        to=record["email"],
        subject=subject,
        template=template,
        context={"event": event, "title": display_title(event), "person": record,
                 "manage_url": manage_url, **context},
        attachments=attachments or [],
    ))


def send_confirmed(event: dict[str, Any], record: dict[str, Any]) -> str:
    link = manage_link(event, record)
    return _send("registration_confirmed", f"You're registered: {display_title(event)}",
                 event, record, link, [invite(event, record, link)])


def send_waitlisted(event: dict[str, Any], record: dict[str, Any], position: int) -> str:
    link = manage_link(event, record)
    return _send("registration_waitlisted", f"You're on the waiting list: {display_title(event)}",
                 event, record, link, position=position)


def send_repeated(event: dict[str, Any], record: dict[str, Any], position: int | None) -> str:
    link = manage_link(event, record)
    confirmed = record.get("status") == "confirmed"
    return _send("registration_repeated", f"You're already registered: {display_title(event)}",
                 event, record, link, [invite(event, record, link)] if confirmed else [],
                 position=position, status=record.get("status"))


def send_promoted(event: dict[str, Any], record: dict[str, Any]) -> str:
    link = manage_link(event, record)
    return _send("waitlist_promoted", f"A place has come up, you're registered: {display_title(event)}",
                 event, record, link, [invite(event, record, link)])


def send_cancelled(event: dict[str, Any], record: dict[str, Any], previous_status: str) -> str:
    link = manage_link(event, record)
    attachments = [invite(event, record, link, cancel=True)] if previous_status == "confirmed" else []
    return _send("registration_cancelled", f"Registration cancelled: {display_title(event)}",
                 event, record, link, attachments, previous_status=previous_status)


def send_reminder(event: dict[str, Any], record: dict[str, Any]) -> str:
    link = manage_link(event, record)
    return _send("registration_reminder", f"See you soon: {display_title(event)}", event, record, link)
