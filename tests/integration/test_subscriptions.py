"""Joining the club's list between events: double opt-in by an emailed link (looking joins
nothing, the button does), the same answer whoever asks, and a registration that asked for
news of future events joins without a second confirmation."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from tests.conftest import sample_event
from tests.integration.registration_steps import create_event, register, register_by_form
from tests.integration.subscriptions_steps import JSON, ask_to_join, join_links, press_confirm, subscribed

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}


def listed(email: str) -> dict[str, Any] | None:
    from chalicelib.subscriptions import service

    return service.subscriber(email)


def test_the_events_page_offers_the_keep_in_touch_form(client: Any) -> None:
    page = client.http.get("/events", headers={"Accept": "text/html"}).body.decode()

    assert 'action="http://testserver/subscriptions"' in page
    assert 'name="email"' in page and 'name="organisation"' in page


def test_joining_takes_the_emailed_link_and_its_button(client: Any, pump: Any, outbox: Any) -> None:
    # Given a request from the form, with a name and an organisation
    response = client.http.post("/subscriptions", headers=FORM, body=urlencode(
        {"email": "Grace@Example.org ", "name": "Grace Hopper", "organisation": "Navy", "website": ""}))
    assert response.status_code == 202
    assert "Check your email" in response.body.decode()
    pump.drain()
    [path] = join_links(outbox, "grace@example.org")
    assert listed("grace@example.org") is None  # nothing stored before the button

    # When the link is looked at (as a mail scanner does), nothing happens
    page = client.http.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "grace@example.org" in page.body.decode()
    assert listed("grace@example.org") is None

    # Then the button joins, once; the link then stops working
    assert press_confirm(client, path).json_body == {"status": "confirmed", "email": "grace@example.org"}
    item = listed("grace@example.org")
    assert item is not None
    assert (item["name"], item["organisation"], item["source"]) == ("Grace Hopper", "Navy", "form")
    assert press_confirm(client, path).status_code == 404
    assert client.http.get(path, headers=JSON).status_code == 404


def test_the_answer_is_the_same_whether_or_not_the_address_is_on_the_list(
    client: Any, pump: Any, outbox: Any
) -> None:
    subscribed(client, pump, outbox, "ada@example.com")
    outbox.clear()

    known = ask_to_join(client, "ada@example.com")
    unknown = ask_to_join(client, "bob@example.com")
    pump.drain()

    assert (known.status_code, known.json_body) == (unknown.status_code, unknown.json_body) == (
        202, {"status": "received"})
    # Someone already on the list is not sent another link; a new address is
    assert join_links(outbox, "ada@example.com") == []
    assert len(join_links(outbox, "bob@example.com")) == 1


def test_bad_input_names_the_field_and_sends_nothing(client: Any, pump: Any, outbox: Any) -> None:
    response = ask_to_join(client, "not an address", name="x" * 121)

    assert response.status_code == 400
    assert set(response.json_body["errors"]) == {"email", "name"}
    page = client.http.post("/subscriptions", headers=FORM, body=urlencode({"email": ""}))
    assert page.status_code == 400 and 'aria-invalid="true"' in page.body.decode()
    assert pump.drain() == 0


def test_a_robot_filling_the_hidden_field_gets_the_same_answer_and_no_email(
    client: Any, pump: Any, outbox: Any
) -> None:
    response = ask_to_join(client, "robot@example.com", website="https://spam.example")

    assert response.status_code == 202
    pump.drain()
    assert join_links(outbox, "robot@example.com") == []


def test_requests_for_one_address_are_capped_per_hour(client: Any, pump: Any, outbox: Any) -> None:
    from chalicelib.subscriptions import service

    answers = {ask_to_join(client, "cy@example.com").status_code
               for _ in range(service.REQUESTS_PER_EMAIL_PER_HOUR + 3)}
    pump.drain()

    assert answers == {202}
    assert len(join_links(outbox, "cy@example.com")) == service.REQUESTS_PER_EMAIL_PER_HOUR


def test_a_redelivered_request_emails_one_link(client: Any, deployed: Any, outbox: Any) -> None:
    from app import app
    from clubflow.dev.pump import LocalContext

    handler = app.handler_map["send_subscription_links"]
    event = sample_event("sqs_subscription_requested.json")
    assert handler(event, LocalContext("send_subscription_links")) == {"batchItemFailures": []}
    assert handler(event, LocalContext("send_subscription_links")) == {"batchItemFailures": []}

    assert len(join_links(outbox, "grace@example.org")) == 1


def test_a_registration_asking_for_news_joins_without_a_second_confirmation(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    event_id = create_event(client, organiser_key)
    assert register_by_form(client, event_id, "ada@example.com", consent_updates=True).status_code == 202
    assert register(client, event_id, "bob@example.com", consent_updates=False).status_code == 202
    pump.drain()
    pump.drain()  # a redelivery or a second round changes nothing

    ada = listed("ada@example.com")
    assert ada is not None and ada["source"] == f"registration:{event_id}"
    assert listed("bob@example.com") is None
    assert join_links(outbox, "ada@example.com") == []  # no second confirmation asked for


def test_subscribers_are_in_the_export_and_go_with_erasure(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    subscribed(client, pump, outbox, "dee@example.com", name="Dee")
    auth = {**JSON, "Authorization": f"Bearer {organiser_key}"}

    exported = client.http.post("/admin/people/export", headers=auth, body=json.dumps({"email": "dee@example.com"}))
    assert [s["name"] for s in exported.json_body["held"]["subscriptions"]] == ["Dee"]
    erased = client.http.post("/admin/people/erase", headers=auth, body=json.dumps({"email": "dee@example.com"}))
    assert erased.status_code == 200
    assert listed("dee@example.com") is None
