"""Organisers write to an event's people: one email each, to the audience chosen, once, never
to a bounced or complaining address, with a record of who was sent what."""

from __future__ import annotations

import json
from typing import Any

from app import app
from chalicelib.registration import service
from chalicelib.reports import suppression
from clubflow.dev.pump import LocalContext
from tests.conftest import sample_event
from tests.integration.registration_steps import create_event, organiser, register, with_detail

MESSAGE = {"subject": "Parking at the venue", "markdown": "Use the **north** car park.\n\nSee [the map](https://example.org/map)."}


def _write(client: Any, key: str, event_id: str, **body: Any) -> Any:
    return client.http.post(f"/admin/events/{event_id}/messages", headers=organiser(key),
                            body=json.dumps({**MESSAGE, **body}))


def _messages(outbox: Any, email: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(email) if m["subject"].startswith("Parking at the venue")]


def _people(client: Any, key: str, pump: Any) -> str:
    """Ada and Cy confirmed (Cy marked attended), Bob waiting, Dee bounced and confirmed."""
    event_id = create_event(client, key, capacity=3)
    for email in ("ada@example.com", "cy@example.com", "dee@example.com", "bob@example.com"):
        register(client, event_id, email)
    client.http.post(f"/admin/events/{event_id}/attendance", headers=organiser(key),
                     body=json.dumps({"emails": ["cy@example.com"]}))
    suppression.suppress("dee@example.com", suppression.BOUNCED)
    pump.drain()
    return event_id


def test_a_message_reaches_its_audience_once_each_and_is_recorded(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)

    # When the organiser writes to the confirmed people
    response = _write(client, organiser_key, event_id, audience="confirmed")
    pump.drain()

    # Then Ada and Cy get it once, in both parts; Bob (waiting) and Dee (bounced) do not
    assert response.status_code == 202
    for email in ("ada@example.com", "cy@example.com"):
        (message,) = _messages(outbox, email)
        assert "<strong>north</strong>" in message["html"] and "north car park" in message["text"]
        assert "the map (https://example.org/map)" in message["text"]
        assert message["headers"].get("Auto-Submitted") is None
    assert _messages(outbox, "bob@example.com") == [] and _messages(outbox, "dee@example.com") == []
    # And the record says who was sent it
    shown = client.http.get(f"/admin/events/{event_id}/messages/{response.json_body['message_id']}",
                            headers=organiser(organiser_key)).json_body
    assert shown["subject"] == "Parking at the venue" and shown["audience"] == "confirmed"
    assert sorted(d["email"] for d in shown["sent_to"]) == ["ada@example.com", "cy@example.com"]


def test_each_audience_picks_its_people(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)

    for audience in ("waitlisted", "attended", "all"):
        assert _write(client, organiser_key, event_id, audience=audience,
                      subject=f"Parking at the venue ({audience})").status_code == 202
    pump.drain()

    got = {email: sorted(m["subject"].split("(")[1].split(")")[0] for m in _messages(outbox, email))
           for email in ("ada@example.com", "bob@example.com", "cy@example.com", "dee@example.com")}
    assert got == {"ada@example.com": ["all"], "bob@example.com": ["all", "waitlisted"],
                   "cy@example.com": ["all", "attended"], "dee@example.com": []}


def test_a_redelivered_message_is_sent_once(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    response = _write(client, organiser_key, event_id, audience="all")
    ada = service.get_registration(event_id, "ada@example.com")
    assert ada is not None
    batch = with_detail(sample_event("sqs_event_message_due.json"), event_id=event_id,
                        message_id=response.json_body["message_id"], registration_id=ada["registration_id"],
                        email="ada@example.com")

    for _ in range(3):
        result = app.handler_map["send_registration_mail"](batch, LocalContext("send_registration_mail"))
        assert result == {"batchItemFailures": []}

    assert len(_messages(outbox, "ada@example.com")) == 1


def test_bad_messages_name_the_field_and_send_nothing(client: Any, organiser_key: str, pump: Any,
                                                      outbox: Any) -> None:
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")

    bad = _write(client, organiser_key, event_id, audience="everyone", subject="")
    unknown = _write(client, organiser_key, "no-such-event", audience="all")
    pump.drain()

    assert bad.status_code == 400 and set(bad.json_body["errors"]) == {"audience", "subject"}
    assert unknown.status_code == 404
    assert _messages(outbox, "ada@example.com") == []


def test_a_persons_messages_are_exported_and_erased(client: Any, organiser_key: str, pump: Any) -> None:
    # Given Ada sent one organiser message
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    _write(client, organiser_key, event_id, audience="all")
    pump.drain()

    # When an organiser exports, then erases, what is held about her
    exported = client.http.post("/admin/people/export", headers=organiser(organiser_key),
                                body=json.dumps({"email": "ada@example.com"})).json_body["held"]
    client.http.post("/admin/people/erase", headers=organiser(organiser_key),
                     body=json.dumps({"email": "ada@example.com"}))
    after = client.http.post("/admin/people/export", headers=organiser(organiser_key),
                             body=json.dumps({"email": "ada@example.com"})).json_body["held"]

    # Then the export named the message sent to her, and after erasure nothing names her
    assert [m["subject"] for m in exported["messages"]] == ["Parking at the venue"]
    assert after["messages"] == []
