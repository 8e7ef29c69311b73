"""Check-in at the door: the confirmation carries a QR code of a personal link; organisers check
a person in by that code, or by email, and attendance is marked once."""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlparse

from tests.integration.registration_steps import counts, create_event, organiser, register, registrations

CHECKIN_LINK = re.compile(r"https?://[^\s\"'<>]+/k/[A-Za-z0-9_-]{20,100}")


def _raw(address: str) -> EmailMessage:
    from clubflow.dev.outbox import _backend

    sent = [m for m in _backend("eu-west-2").sent_messages if address in m.destinations]
    data = sent[-1].raw_data
    return email.message_from_bytes(data.encode() if isinstance(data, str) else data,
                                    policy=email.policy.default)


def _checkin(client: Any, key: str, event_id: str, **body: Any) -> Any:
    return client.http.post(f"/admin/events/{event_id}/checkins", headers=organiser(key), body=json.dumps(body))


def _link(outbox: Any, address: str) -> str:
    (message,) = [m for m in outbox.messages_to(address) if m["subject"].startswith("You're registered")]
    found = CHECKIN_LINK.search(message["text"])
    assert found is not None, message["text"]
    return found.group(0)


def test_the_confirmation_shows_a_qr_code_of_the_personal_check_in_link(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    import segno

    # Given Ada registered and confirmed
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    pump.drain()

    # Then her confirmation's HTML shows an inline PNG, and that PNG is the QR code of her link
    link = _link(outbox, "ada@example.com")
    mime = _raw("ada@example.com")
    (image,) = [p for p in mime.walk() if p.get_content_type() == "image/png"]
    html = mime.get_body(("html",))
    assert html is not None and 'src="cid:checkin-qr"' in html.get_content()
    assert image["Content-ID"] == "<checkin-qr>"
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="png", scale=6, border=2)
    assert image.get_content() == expected.getvalue()
    # And the link opens a page showing whose code it is, which changes nothing
    page = client.http.get(urlparse(link).path)
    assert page.status_code == 200 and "Ada Lovelace" in page.body.decode()
    assert counts(client, organiser_key, event_id)["attended"] == 0


def test_a_check_in_by_code_marks_attendance_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada's check-in link
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    pump.drain()
    link = _link(outbox, "ada@example.com")

    # When the door scans it three times, as the link and as the token alone
    first = _checkin(client, organiser_key, event_id, token=link)
    again = _checkin(client, organiser_key, event_id, token=link.rpartition("/")[2])
    by_email = _checkin(client, organiser_key, event_id, email="ADA@example.com")

    # Then she is checked in once, and the later scans say so
    assert first.status_code == 200 and first.json_body["status"] == "checked_in"
    assert first.json_body["name"] == "Ada Lovelace"
    assert [r.json_body["status"] for r in (again, by_email)] == ["already_checked_in"] * 2
    assert counts(client, organiser_key, event_id)["attended"] == 1
    assert [r["attended"] for r in registrations(client, organiser_key, event_id)] == [True]


def test_bad_unknown_and_foreign_codes_are_refused_and_mark_nobody(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = create_event(client, organiser_key, capacity=1)
    other = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "bob@example.com")
    pump.drain()
    link = _link(outbox, "ada@example.com")

    assert _checkin(client, organiser_key, other, token=link).status_code == 404
    assert _checkin(client, organiser_key, event_id, token="x" * 43).status_code == 404
    assert _checkin(client, organiser_key, event_id, email="nobody@example.com").status_code == 404
    both = _checkin(client, organiser_key, event_id, token=link, email="ada@example.com")
    assert both.status_code == 400 and list(both.json_body["errors"]) == ["token"]
    assert _checkin(client, organiser_key, event_id).status_code == 400
    assert _checkin(client, organiser_key, event_id, email="not-an-email").status_code == 400
    waiting = _checkin(client, organiser_key, event_id, email="bob@example.com")
    assert waiting.status_code == 409
    assert counts(client, organiser_key, event_id)["attended"] == 0
    # A waiting person's email carries no code
    assert CHECKIN_LINK.search(outbox.messages_to("bob@example.com")[0]["text"]) is None
