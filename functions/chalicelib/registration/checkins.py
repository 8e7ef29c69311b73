"""Check-in at the door: each confirmation carries a QR code of a personal check-in link; an
organiser scans it (or types the person's email) and attendance is marked once, however often
the code is scanned."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, mail, tokens
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.core.settings import get_settings
from chalicelib.core.validation import Form
from chalicelib.registration import service

PURPOSE = "checkin"
# The code works on the day, and a day after for anyone marked late.
VALID_AFTER_END = timedelta(days=1)
QR_CONTENT_ID = "checkin-qr"
LINK_PATH = "/k/"


@dataclass(frozen=True)
class CheckIn:
    record: dict[str, Any]
    already: bool


def checkin_link(event: dict[str, Any], record: dict[str, Any]) -> str:
    """A fresh personal check-in link for a confirmed person (what their QR code holds)."""
    ttl = clock.parse(event["ends_at"]) + VALID_AFTER_END - clock.now()
    raw = tokens.issue_token(PURPOSE, {"event_id": record["event_id"], "email": record["email"],
                                       "registration_id": record["registration_id"]},
                             ttl=max(ttl, timedelta(hours=1)))
    return f"{get_settings().public_base_url}{LINK_PATH}{raw}"


def qr_code(link: str) -> mail.Attachment:
    """The link as a QR code, a PNG shown inline in the email (cid:checkin-qr)."""
    # segno is imported by the mail worker that draws codes, not by every function at start.
    import segno

    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=6, border=2)
    return mail.Attachment("checkin.png", "image/png", image.getvalue(), content_id=QR_CONTENT_ID)


def read_checkin(data: dict[str, Any]) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """("token", raw) from a scanned code (the link or the token alone), or ("email", address)."""
    form = Form(data)
    form.unknown({"token", "email"})
    if ("token" in data) == ("email" in data):
        form.error("token", 'Send either "token" (from the QR code) or "email", not both.')
        return None, form.errors
    if "email" in data:
        email = form.email()
        return (("email", email) if email and form.ok else None), form.errors
    raw = form.text("token", "the check-in code", max_len=500)
    if raw is None or not form.ok:
        return None, form.errors
    return ("token", raw.rstrip("/").rpartition("/")[2]), {}


def holder(raw_token: str) -> tuple[str, str] | None:
    """(event_id, email) a check-in link belongs to; None when unknown or expired."""
    token = tokens.peek(raw_token, PURPOSE)
    if token is None:
        return None
    return str(token.data.get("event_id", "")), str(token.data.get("email", ""))


def check_in(event_id: str, by: tuple[str, str]) -> CheckIn:
    """Mark the person attended, once. Raises NotFound for an unknown code or address (or a
    code of another event), Conflict for a registration that holds no place."""
    kind, value = by
    if kind == "token":
        found = holder(value)
        if found is None or found[0] != event_id:
            raise NotFound("check-in code")
        email = found[1]
    else:
        email = value
    record = service.get_registration(event_id, email)
    if record is None:
        raise NotFound("registration")
    if record.get("status") != service.CONFIRMED and not record.get("attended"):
        raise Conflict({"registration": f"This registration is {record.get('status')}, not a confirmed place."})
    marked = service.mark_attended(event_id, [email])
    if marked.unknown:
        raise NotFound("registration")
    return CheckIn(record, already=bool(marked.already))


def check_in_view(result: CheckIn) -> dict[str, Any]:
    return {"status": "already_checked_in" if result.already else "checked_in",
            "email": result.record["email"], "name": result.record.get("name", ""),
            "organisation": result.record.get("organisation", "")}


def invalid_if_missing(read: tuple[tuple[str, str] | None, dict[str, str]]) -> tuple[str, str]:
    by, problems = read
    if by is None or problems:
        raise Invalid(problems or {"token": "Send a check-in code or an email address."})
    return by
