"""Organisations offer to host an event: the nomination is stored once, the nominee is thanked
and the organisers are told, by email."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import sample_event
from tests.integration.nominations_steps import (
    JSON,
    NOMINATION,
    nominate,
    nominate_by_form,
    nomination_items,
)


def test_a_nomination_is_acknowledged_and_every_organiser_is_told(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given two organisers, one of them with a revoked second key
    from chalicelib.core.auth import add_organiser, revoke

    add_organiser("second@example.com")
    add_organiser("gone@example.com")
    revoke("gone@example.com")

    # When Close Brothers nominate themselves to host
    response = nominate(client)
    pump.drain()

    # Then the answer is 202 received, and the nomination is stored as received
    assert (response.status_code, response.json_body) == (202, {"status": "received"})
    [stored] = nomination_items()
    assert stored["status"] == "received" and stored["organisation"] == "Close Brothers"
    assert stored["preferred_months"] == ["June", "September"] and stored["capacity"] == 60
    # And the nominee is thanked, with what they sent, in text and HTML
    [ack] = outbox.messages_to("grace@example.com")
    assert ack["subject"] == "Thank you for offering to host the CofEe Club"
    assert "Hello Grace Hopper" in ack["text"] and "10 Crown Place" in ack["text"]
    assert "June, September" in ack["text"] and "Close Brothers" in ack["html"]
    # And each organiser with a live key hears of it once, able to reply to the nominee
    for address in ("organiser@example.com", "second@example.com"):
        [notice] = outbox.messages_to(address)
        assert notice["subject"] == "New host nomination: Close Brothers"
        assert notice["headers"]["Reply-To"] == "grace@example.com"
        assert stored["nomination_id"] in notice["text"]
        # pointing at the command that decides it, not at the raw API
        command = f"clubflow nominations decide {stored['nomination_id']} accepted"
        assert command in notice["text"] and command in notice["html"]
        assert "POST" not in notice["text"] and "/admin/" not in notice["html"]
    assert outbox.messages_to("gone@example.com") == []


def test_a_repeated_nomination_creates_nothing_twice(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    # Given a nomination already sent
    first = nominate(client)

    # When the same address nominates the same organisation again (another case and spacing)
    again = nominate(client, organisation="close  BROTHERS", email="Grace@Example.com")
    pump.drain()

    # Then the answers are the same, one nomination is stored, and one of each email is sent
    assert again.status_code == first.status_code == 202 and again.body == first.body
    assert len(nomination_items()) == 1
    assert len(outbox.messages_to("grace@example.com")) == 1
    assert len(outbox.messages_to("organiser@example.com")) == 1


def test_another_organisation_from_the_same_address_is_a_new_nomination(
    client: Any, organiser_key: str, pump: Any
) -> None:
    nominate(client)
    nominate(client, organisation="CITI")
    pump.drain()

    assert sorted(item["organisation"] for item in nomination_items()) == ["CITI", "Close Brothers"]


def test_bad_fields_are_400_each_named_and_nothing_is_written(
    client: Any, organiser_key: str, aws_calls: Any
) -> None:
    response = nominate(client, email="grace", capacity=0, venue="")

    assert response.status_code == 400
    assert set(response.json_body["errors"]) == {"email", "capacity", "venue"}
    assert nomination_items() == []
    assert aws_calls.published == []


def test_a_browser_gets_the_form_again_with_its_values_and_errors_next_to_fields(
    client: Any, deployed: Any
) -> None:
    fields = {**NOMINATION, "email": "grace@", "organisation": "<b>Close</b> Brothers"}
    response = nominate_by_form(client, fields)

    assert response.status_code == 400
    page = response.body.decode()
    assert 'id="email-error"' in page and 'aria-describedby="email-error email-hint"' in page
    assert "Enter an email address like name@example.com." in page
    # What was typed comes back, as text
    assert 'value="&lt;b&gt;Close&lt;/b&gt; Brothers"' in page
    assert 'value="June" checked' in page
    assert nomination_items() == []


def test_a_browser_is_thanked_on_a_page(client: Any, deployed: Any) -> None:
    response = nominate_by_form(client, NOMINATION)

    assert response.status_code == 202
    assert b"Thank you for offering to host" in response.body


def test_the_form_is_served_with_labels_and_the_hidden_fields(client: Any, deployed: Any) -> None:
    response = client.http.get("/nominations/host")

    page = response.body.decode()
    assert response.status_code == 200
    for name in ("organisation", "contact_name", "email", "city", "venue", "capacity",
                 "facilities", "message"):
        assert f'<label for="{name}">' in page and f'id="{name}" name="{name}"' in page
    assert 'name="website"' in page and 'name="form_started" value="' in page


def test_a_nomination_posted_too_fast_comes_back_asking_to_press_again(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    from urllib.parse import urlencode

    from chalicelib.core import form_guard

    # When a browser posts the form the moment it was served (autofill)
    fast = client.http.post(
        "/nominations",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        body=urlencode({**NOMINATION, "form_started": form_guard.form_started_stamp()}, doseq=True),
    )
    pump.drain()

    # Then the form comes back with its values, asking to press the button again; nothing is sent
    page = fast.body.decode()
    assert fast.status_code == 400
    assert "Thank you for offering to host" not in page
    assert "Please confirm you are a person" in page and "<strong>Send nomination</strong>" in page
    assert 'value="Close Brothers"' in page and 'value="June" checked' in page
    assert nomination_items() == [] and outbox.messages() == []


def test_a_robot_is_thanked_but_nothing_is_stored(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    robot = nominate(client, website="http://spam.example")
    pump.drain()

    assert (robot.status_code, robot.json_body) == (202, {"status": "received"})
    assert nomination_items() == [] and outbox.messages() == []


def test_markup_in_a_nomination_reaches_the_emails_as_text(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    nominate(client, organisation='<script>alert("x")</script> Ltd', message="<b>bold</b>")
    pump.drain()

    [notice] = outbox.messages_to("organiser@example.com")
    assert "<script>" not in notice["html"] and "&lt;script&gt;" in notice["html"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in notice["html"]


def test_a_redelivered_announcement_sends_nothing_twice(
    client: Any, organiser_key: str, outbox: Any
) -> None:
    # Given the nomination the sample events announce
    from app import app
    from chalicelib.core import keys, store
    from clubflow.dev.pump import LocalContext

    store.put({**keys.nomination("5c0ffee0a1b2c3d4"), "nomination_id": "5c0ffee0a1b2c3d4",
               **NOMINATION, "status": "received", "received_at": "2030-03-10T09:00:00+00:00"})
    handler = app.handler_map["send_nomination_mail"]

    # When its announcement arrives, and then again (redelivered and duplicated)
    first = handler(sample_event("sqs_nomination_received.json"), LocalContext("send_nomination_mail"))
    again = handler(sample_event("sqs_nomination_received_redelivered.json"),
                    LocalContext("send_nomination_mail"))

    # Then each email went once
    assert first == again == {"batchItemFailures": []}
    assert len(outbox.messages_to("grace@example.com")) == 1
    assert len(outbox.messages_to("organiser@example.com")) == 1


def test_a_nomination_sent_as_a_json_list_of_months_or_text_is_the_same(
    client: Any, deployed: Any
) -> None:
    response = client.http.post("/nominations", headers=JSON, body=json.dumps(
        {**NOMINATION, "preferred_months": "sep, jun"}))

    assert response.status_code == 202
    [stored] = nomination_items()
    assert stored["preferred_months"] == ["June", "September"]
