"""People ask for an event's slides by email: the answer is always the same, and the links
are emailed only where the event's policy allows, once."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import sample_event
from tests.integration.slides_steps import (
    ask_for_slides,
    create_event,
    links_in,
    organiser,
    register,
    registration_held,
    slide_emails,
    upload,
)


@pytest.fixture
def event_id(client: Any, organiser_key: str) -> str:
    """An event with two uploaded files (registered policy, the default)."""
    event = create_event(client, organiser_key)
    upload(client, organiser_key, event, "Communities of Practice.pdf")
    upload(client, organiser_key, event, "Workshop \N{EN DASH} café notes.zip", b"PK\x03\x04 notes",
           "application/zip")
    return event


def set_policy(client: Any, key: str, event_id: str, policy: str) -> None:
    response = client.http.patch(f"/admin/events/{event_id}", headers=organiser(key),
                                 body=json.dumps({"slide_policy": policy}))
    assert response.status_code == 200


def requested(aws_calls: Any, pump: Any) -> list[dict[str, Any]]:
    """The slide requests put on the bus, once the outbox is relayed."""
    pump.relay_outbox()
    return [json.loads(e["Detail"]) for e in aws_calls.published
            if e["DetailType"] == "SlidesRequested"]


def test_registered_attendee_and_stranger_get_identical_answers_and_one_email(
    client: Any, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given Ada registered for the event and Eve did not
    register(client, event_id, "ada@example.com")

    # When both ask for the slides, by API and by browser form
    ada = ask_for_slides(client, event_id, "Ada@Example.com ")
    eve = ask_for_slides(client, event_id, "eve@example.com")
    ada_html = ask_for_slides(client, event_id, "ada@example.com", json_body=False)
    eve_html = ask_for_slides(client, event_id, "eve@example.com", json_body=False)
    pump.drain()

    # Then both get the same answer
    assert (ada.status_code, ada.body) == (eve.status_code, eve.body) == (202, b'{"status": "received"}')
    assert (ada_html.status_code, ada_html.body) == (eve_html.status_code, eve_html.body)
    assert ada_html.status_code == 202 and b"Check your email" in ada_html.body
    # And only Ada gets an email, with one link per file
    assert slide_emails(outbox, "eve@example.com") == []
    [message] = slide_emails(outbox, "ada@example.com")
    assert message["subject"] == "Your slides from Event 48 \N{EN DASH} Communities of Practice"
    assert len(links_in(message)) == 2
    assert "Communities of Practice.pdf" in message["text"]
    assert "Workshop \N{EN DASH} café notes.zip" in message["html"]
    assert "7 days" in message["text"] and "5 downloads" in message["text"]


def test_waiting_list_counts_as_registered_but_a_cancellation_does_not(
    client: Any, event_id: str, pump: Any, outbox: Any
) -> None:
    registration_held(event_id, "wait@example.com", "waitlisted")
    registration_held(event_id, "gone@example.com", "cancelled")

    ask_for_slides(client, event_id, "wait@example.com")
    ask_for_slides(client, event_id, "gone@example.com")
    pump.drain()

    assert len(slide_emails(outbox, "wait@example.com")) == 1
    assert slide_emails(outbox, "gone@example.com") == []


def test_public_policy_sends_to_anyone(client: Any, organiser_key: str, event_id: str,
                                       pump: Any, outbox: Any) -> None:
    set_policy(client, organiser_key, event_id, "public")

    ask_for_slides(client, event_id, "anyone@example.net")
    pump.drain()

    assert len(slide_emails(outbox, "anyone@example.net")) == 1


def test_consented_policy_needs_the_box_ticked_and_records_a_lead(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any, aws_calls: Any
) -> None:
    # Given the event shares slides with anyone who agrees to be contacted
    set_policy(client, organiser_key, event_id, "consented")
    page = client.http.get(f"/events/{event_id}/slides")
    assert b'name="consent"' in page.body

    # When someone asks without ticking the box
    unticked = ask_for_slides(client, event_id, "lead@example.com", json_body=False)

    # Then the form comes back, their address kept, the message next to the box; nothing sent
    assert unticked.status_code == 400
    assert b'id="consent-error"' in unticked.body
    assert b'value="lead@example.com"' in unticked.body
    assert requested(aws_calls, pump) == []

    # When they tick it
    ticked = ask_for_slides(client, event_id, "lead@example.com", consent=True)
    pump.drain()

    # Then the links arrive and the organisers see a new lead with the time of consent
    assert ticked.status_code == 202
    assert len(slide_emails(outbox, "lead@example.com")) == 1
    listing = client.http.get(f"/admin/events/{event_id}/slides", headers=organiser(organiser_key))
    [lead] = listing.json_body["leads"]
    assert lead["email"] == "lead@example.com" and lead["consented_at"]


def test_bad_email_is_a_400_next_to_the_field_and_nothing_is_written(
    client: Any, event_id: str, aws_calls: Any, pump: Any,
) -> None:
    pump.relay_outbox()  # the event's own announcement, stored when it was created
    before = len(aws_calls.calls)
    as_json = ask_for_slides(client, event_id, "not-an-address")
    as_html = ask_for_slides(client, event_id, "not-an-address", json_body=False)

    assert as_json.status_code == 400
    assert "name@example.com" in as_json.json_body["errors"]["email"]
    assert as_html.status_code == 400
    assert b'id="email-error"' in as_html.body and b'aria-invalid="true"' in as_html.body
    assert b'value="not-an-address"' in as_html.body
    assert requested(aws_calls, pump) == []
    writes = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "PutEvents"}
    assert not writes & {operation for _, operation in aws_calls.calls[before:]}


def test_form_page_offers_the_form_once_slides_are_published(
    client: Any, organiser_key: str, event_id: str
) -> None:
    page = client.http.get(f"/events/{event_id}/slides")
    assert page.status_code == 200
    assert b'<label for="email">' in page.body and b'name="website"' in page.body
    assert b'name="consent"' not in page.body

    bare = create_event(client, organiser_key, title="Next time")
    empty = client.http.get(f"/events/{bare}/slides")
    assert empty.status_code == 200
    assert b"not been published yet" in empty.body and b"<form" not in empty.body
    assert client.http.get("/events/no-such-event/slides").status_code == 404
    assert ask_for_slides(client, "no-such-event", "ada@example.com").status_code == 404


def test_honeypot_gets_the_same_answer_and_nothing_happens(
    client: Any, event_id: str, aws_calls: Any, outbox: Any, pump: Any
) -> None:
    register(client, event_id, "ada@example.com")

    response = ask_for_slides(client, event_id, "ada@example.com", website="http://spam.example")
    pump.drain()

    assert response.status_code == 202 and response.json_body == {"status": "received"}
    assert requested(aws_calls, pump) == []
    assert slide_emails(outbox, "ada@example.com") == []


def test_requests_are_limited_per_email_and_strangers_use_up_nobody_elses(
    client: Any, event_id: str, aws_calls: Any, pump: Any
) -> None:
    # Four requests for one address within the hour: the fourth is dropped, answered the same
    answers = [ask_for_slides(client, event_id, "flood@example.com") for _ in range(4)]
    assert {(a.status_code, a.body) for a in answers} == {(202, b'{"status": "received"}')}
    assert len(requested(aws_calls, pump)) == 3

    # Many requests for other addresses leave a real attendee's request untouched
    for n in range(12):
        ask_for_slides(client, event_id, f"stranger{n}@example.com")
    ask_for_slides(client, event_id, "ada@example.com")
    assert "ada@example.com" in [detail["email"] for detail in requested(aws_calls, pump)]


def test_a_double_submit_sends_one_email_and_a_later_request_another(
    client: Any, event_id: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(client, event_id, "ada@example.com")
    ask_for_slides(client, event_id, "ada@example.com")
    ask_for_slides(client, event_id, "ada@example.com")
    pump.drain()
    assert len(slide_emails(outbox, "ada@example.com")) == 1

    from chalicelib.core import clock

    later = clock.now() + timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    ask_for_slides(client, event_id, "ada@example.com")
    pump.drain()
    assert len(slide_emails(outbox, "ada@example.com")) == 2


def test_published_request_matches_its_schema(client: Any, event_id: str, aws_calls: Any, pump: Any) -> None:
    ask_for_slides(client, event_id, "ada@example.com")

    [detail] = requested(aws_calls, pump)  # conftest validates it against events/schemas

    assert detail["email"] == "ada@example.com" and detail["event_id"] == event_id
    assert detail["consent"] is False


def _for_event(sample: dict[str, Any], event_id: str) -> dict[str, Any]:
    """The sample SQS event, pointed at this test's event."""
    batch = copy.deepcopy(sample)
    for record in batch["Records"]:
        body = json.loads(record["body"])
        body["detail"]["event_id"] = event_id
        record["body"] = json.dumps(body)
    return batch


def test_worker_answers_a_batch_and_a_redelivery_sends_nothing_twice(
    client: Any, organiser_key: str, event_id: str, outbox: Any
) -> None:
    from app import app
    from clubflow.dev.pump import LocalContext

    set_policy(client, organiser_key, event_id, "public")
    handler = app.handler_map["send_slide_links"]

    # A batch of two requests from two people
    batch = handler(_for_event(sample_event("sqs_slides_requested.json"), event_id),
                    LocalContext("send_slide_links"))
    assert batch == {"batchItemFailures": []}
    assert len(slide_emails(outbox, "ada@example.com")) == 1
    assert len(slide_emails(outbox, "grace@example.org")) == 1

    # The same request delivered again, twice, under new message ids
    again = handler(_for_event(sample_event("sqs_slides_requested_redelivered.json"), event_id),
                    LocalContext("send_slide_links"))
    assert again == {"batchItemFailures": []}
    assert len(slide_emails(outbox, "ada@example.com")) == 1


def test_api_gateway_form_post_reaches_the_request_route(
    client: Any, event_id: str, aws_calls: Any, pump: Any,
) -> None:
    # Given the sample API Gateway event for the slides form, aimed at this test's event
    from app import app
    from clubflow.dev.pump import LocalContext

    request = sample_event("api_gateway_post_slides_request.json")
    request["path"] = request["path"].replace(request["pathParameters"]["event_id"], event_id)
    request["pathParameters"]["event_id"] = event_id

    # When Lambda hands it to the app
    response = app(request, LocalContext("APIHandler"))

    # Then the visitor gets the check-your-email page and the request is on the bus
    assert response["statusCode"] == 202
    assert "Check your email" in response["body"]
    [detail] = requested(aws_calls, pump)
    assert detail["email"] == "ada@example.com"
