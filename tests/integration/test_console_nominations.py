"""Organisers review host nominations in the console, read the email a decision would send
before it goes, and decide; nothing is decided or sent without the session's CSRF token."""

from __future__ import annotations

from typing import Any

from tests.integration.console_steps import session
from tests.integration.nominations_steps import listed, nominate


def decided_emails(outbox: Any) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to("grace@example.com") if "host the CofEe Club" in m["subject"]
            and not m["subject"].startswith("Thank you")]


def test_an_organiser_previews_the_email_then_sends_the_decision(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a nomination
    assert nominate(client).status_code == 202
    pump.drain()
    [nomination] = listed(client, organiser_key)
    console = session(client)

    # When the organiser reviews it
    page = console.get("/console/nominations")
    assert page.status_code == 200 and b"Close Brothers" in page.body
    detail = console.get(f"/console/nominations/{nomination['nomination_id']}")
    assert detail.status_code == 200 and b"We would love to host the club again." in detail.body

    # And previews declining it with a message
    fields = {"status": "declined", "message": "Thank you! We are full this year; please ask again."}
    preview = console.post(f"/console/nominations/{nomination['nomination_id']}/preview", fields)

    # Then the page shows the very email, and nothing is decided or sent yet
    assert preview.status_code == 200
    body = preview.body.decode()
    assert "Subject:</strong> About your offer to host the CofEe Club" in body
    assert "We are full this year; please ask again." in body
    pump.drain()
    assert decided_emails(outbox) == []
    assert listed(client, organiser_key)[0]["status"] == "received"

    # When it sends the decision, the nominee gets that email
    sent = console.post(f"/console/nominations/{nomination['nomination_id']}/decision", fields)
    pump.drain()
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/console/nominations?status=declined")
    [email] = decided_emails(outbox)
    assert email["subject"] == "About your offer to host the CofEe Club"
    assert "We are full this year; please ask again." in email["text"]
    assert listed(client, organiser_key, "declined")[0]["decided_by"] == "organiser@example.com"
    # And deciding the same again sends nothing more
    again = console.post(f"/console/nominations/{nomination['nomination_id']}/decision", fields)
    pump.drain()
    assert again.status_code == 303 and len(decided_emails(outbox)) == 1


def test_a_decision_without_a_status_or_the_csrf_token_changes_nothing(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    nominate(client)
    pump.drain()
    [nomination] = listed(client, organiser_key)
    console = session(client)
    path = f"/console/nominations/{nomination['nomination_id']}"

    missing = console.post(f"{path}/decision", {"message": "Hello"})
    forged = console.post(f"{path}/decision", {"status": "accepted"}, csrf=False)
    unknown = console.post("/console/nominations/nope/preview", {"status": "accepted"})

    assert missing.status_code == 400 and b'id="decision-status-error"' in missing.body
    assert forged.status_code == 403 and unknown.status_code == 404
    pump.drain()
    assert decided_emails(outbox) == [] and listed(client, organiser_key)[0]["status"] == "received"
