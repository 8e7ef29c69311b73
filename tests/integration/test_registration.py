"""People register on an event's form: exact capacity, a waiting list, the same answer every time."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import sample_event
from tests.integration.registration_steps import (
    FORM,
    JSON,
    PERSON,
    counts,
    create_event,
    register,
    register_by_form,
    registrations,
)

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def test_places_go_first_come_and_the_rest_wait_in_arrival_order(client: Any, organiser_key: str) -> None:
    # Given an event with two places
    event_id = create_event(client, organiser_key, capacity=2)

    # When five people register one after another
    people = [f"person{i}@example.com" for i in range(5)]
    for email in people:
        assert register(client, event_id, email).status_code == 202

    # Then the first two have places and the other three wait, in the order they came
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 2, "waitlisted": 3, "cancelled": 0, "attended": 0, "offered": 0}
    listed = {r["email"]: r for r in registrations(client, organiser_key, event_id)}
    assert [listed[e]["status"] for e in people] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [listed[e]["position"] for e in people[2:]] == [1, 2, 3]


def test_capacity_is_never_exceeded_however_many_try(client: Any, organiser_key: str) -> None:
    # Given an event with three places
    event_id = create_event(client, organiser_key, capacity=3)

    # When thirty people register
    for i in range(30):
        register(client, event_id, f"p{i}@example.com")

    # Then exactly three are confirmed and the counters match the records
    listed = registrations(client, organiser_key, event_id)
    assert sum(r["status"] == "confirmed" for r in listed) == 3
    assert sum(r["status"] == "waitlisted" for r in listed) == 27
    assert counts(client, organiser_key, event_id)["confirmed"] == 3


def test_new_waiting_and_repeated_registrations_get_the_same_answer(client: Any, organiser_key: str) -> None:
    # Given an event with one place
    event_id = create_event(client, organiser_key, capacity=1)

    # When a new, a waiting and a repeated registration arrive, by API and by form
    api = [register(client, event_id, email) for email in ("a@example.com", "b@example.com", "a@example.com")]
    event_id2 = create_event(client, organiser_key, capacity=1)
    pages = [register_by_form(client, event_id2, email)
             for email in ("a@example.com", "b@example.com", "a@example.com")]

    # Then each channel answers byte for byte the same, whatever happened (a page differs only
    # in echoing the address typed)
    assert {(r.status_code, r.body) for r in api} == {(202, b'{"status": "received"}')}
    assert len({(r.status_code, r.body.replace(b"b@example.com", b"a@example.com")) for r in pages}) == 1
    assert pages[0].status_code == 202
    assert b"Check your email" in pages[0].body


def test_registering_again_changes_nothing(client: Any, organiser_key: str) -> None:
    # Given someone registered
    event_id = create_event(client, organiser_key, capacity=5)
    register(client, event_id, "ada@example.com", name="Ada Lovelace")

    # When they register again with other details, in another case
    register(client, event_id, "  ADA@Example.com ", name="Someone Else")

    # Then there is still one registration, with the first details
    listed = registrations(client, organiser_key, event_id)
    assert [(r["email"], r["name"]) for r in listed] == [("ada@example.com", "Ada Lovelace")]
    assert counts(client, organiser_key, event_id)["confirmed"] == 1


def test_a_registration_takes_at_most_two_dynamodb_requests_and_reads_nothing_first(
        client: Any, organiser_key: str, aws_calls: Any) -> None:
    # Given an event with one place
    event_id = create_event(client, organiser_key, capacity=1)

    def requests_for(email: str) -> list[str]:
        before = len(aws_calls.calls)
        assert register(client, event_id, email).status_code == 202
        return [op for svc, op in aws_calls.calls[before:] if svc == "dynamodb"]

    # Then a place costs one transaction, a waiting-list spot two, and a repeat its refused
    # transaction and the reminder it stores for the outbox relay; none talks to the bus
    assert requests_for("first@example.com") == ["TransactWriteItems"]
    assert requests_for("first@example.com") == ["TransactWriteItems", "PutItem"]
    assert requests_for("second@example.com") == ["TransactWriteItems", "TransactWriteItems"]
    assert "events" not in {service for service, _ in aws_calls.calls}


def test_each_bad_field_is_named_and_nothing_is_written(client: Any, organiser_key: str, aws_calls: Any) -> None:
    # Given an event
    event_id = create_event(client, organiser_key)
    before = len(aws_calls.calls)

    # When someone sends a bad address, no name, a long organisation and an odd consent
    response = register(client, event_id, "not-an-address", name="", organisation="x" * 151,
                        consent_report="maybe", colour="red")

    # Then each field gets its own message and nothing reached the table or the bus
    assert response.status_code == 400
    errors = response.json_body["errors"]
    assert set(errors) == {"email", "name", "organisation", "consent_report", "colour"}
    assert "name@example.com" in errors["email"]
    assert "150 characters" in errors["organisation"]
    assert not WRITES & {op for svc, op in aws_calls.calls[before:] if svc == "dynamodb"}
    assert "events" not in {svc for svc, _ in aws_calls.calls[before:]}
    assert counts(client, organiser_key, event_id)["confirmed"] == 0


def test_the_form_comes_back_with_values_kept_and_each_error_by_its_field(
        client: Any, organiser_key: str) -> None:
    # Given an event page
    event_id = create_event(client, organiser_key)

    # When a browser posts the form with a mistyped address
    response = register_by_form(client, event_id, "ada.example.com", name="Ada <b>Lovelace</b>")

    # Then the same form returns (400) with the values kept and the message tied to its field
    assert response.status_code == 400
    page = response.body.decode()
    assert 'id="email-error"' in page
    assert 'aria-describedby="email-error email-hint"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#email"' in page  # the summary links to the field
    assert 'value="ada.example.com"' in page
    assert 'value="Ada &lt;b&gt;Lovelace&lt;/b&gt;"' in page
    assert "<b>Lovelace</b>" not in page
    assert 'name="consent_report" value="true" checked' in page
    assert 'name="form_started" value=""' not in page


def test_registration_closed_is_a_409_said_plainly(client: Any, organiser_key: str, aws_calls: Any) -> None:
    # Given an event whose registration has closed, and one that has already started
    closed = create_event(client, organiser_key, registration_closes_at="2021-01-01T09:00:00+00:00")
    started = create_event(client, organiser_key, starts_at="2021-03-09T10:00:00+00:00",
                           ends_at="2031-03-09T16:00:00+00:00")

    for event_id in (closed, started):
        # When someone registers, by API and by form
        api = register(client, event_id, "late@example.com")
        page = register_by_form(client, event_id, "late@example.com")

        # Then both hear plainly that it has closed, and nobody was registered
        assert api.status_code == 409
        assert api.json_body == {"errors": {"event": "Registration for this event has closed."}}
        assert page.status_code == 409
        assert b"Registration for this event has closed." in page.body
        assert counts(client, organiser_key, event_id) == {
            "confirmed": 0, "waitlisted": 0, "cancelled": 0, "attended": 0, "offered": 0}
        assert registrations(client, organiser_key, event_id) == []


def test_the_event_page_says_registration_is_closed(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key, registration_closes_at="2021-01-01T09:00:00+00:00")
    page = client.http.get(f"/events/{event_id}")
    assert b"Registration for this event is closed." in page.body
    assert b'name="email"' not in page.body


def test_an_unknown_event_is_404(client: Any) -> None:
    assert register(client, "no-such-event", "ada@example.com").status_code == 404
    assert register(client, "x" * 65, "ada@example.com").status_code == 404


def test_a_honeypot_hit_is_answered_as_a_person_and_nothing_is_written(
        client: Any, organiser_key: str, aws_calls: Any) -> None:
    # Given an event
    event_id = create_event(client, organiser_key)
    before = len(aws_calls.calls)

    # When bots fill the hidden field, by form and by API
    honeypot = register_by_form(client, event_id, "bot1@example.com", website="http://spam.example")
    api_honeypot = register(client, event_id, "bot4@example.com", website="x")

    # Then nothing touched the table or the bus, and each got the same answer as a person
    assert [svc for svc, _ in aws_calls.calls[before:] if svc in ("dynamodb", "events")] == []
    person = register_by_form(client, event_id, "person@example.com")
    assert {r.status_code for r in (honeypot, api_honeypot)} == {202}
    # (each page echoes the address as typed, and nothing else differs)
    assert honeypot.body.replace(b"bot1@example.com", b"person@example.com") == person.body
    assert api_honeypot.body == b'{"status": "received"}'
    assert [r["email"] for r in registrations(client, organiser_key, event_id)] == ["person@example.com"]


def test_a_form_posted_within_two_seconds_is_never_dropped_unseen(
        client: Any, organiser_key: str, aws_calls: Any) -> None:
    # Given an event page, as a browser received it
    event_id = create_event(client, organiser_key)
    served = client.http.get(f"/events/{event_id}").body.decode()
    stamp = served.split('name="form_started" value="')[1].split('"')[0]
    before = len(aws_calls.calls)

    # When autofill fills the form and the person presses Register at once
    fast = register_by_form(client, event_id, "ada@example.com", form_started=stamp)

    # Then they are not told to check their email: the form comes back, values kept, asking
    # them to press Register again, and nothing is written yet
    page = fast.body.decode()
    assert fast.status_code == 400
    assert "Check your email" not in page
    assert "Please confirm you are a person" in page and "press <strong>Register</strong> again" in page
    assert 'value="ada@example.com"' in page and 'value="Ada Lovelace"' in page
    assert f'name="form_started" value="{stamp}"' in page  # the time on the page still counts
    assert [op for svc, op in aws_calls.calls[before:] if op in WRITES or svc == "events"] == []
    assert registrations(client, organiser_key, event_id) == []

    # When they press Register again (the page has been open a few seconds by then)
    again = register_by_form(client, event_id, "ada@example.com", form_started=str(int(stamp) - 3))

    # Then they are registered
    assert again.status_code == 202 and b"Check your email" in again.body
    assert [r["email"] for r in registrations(client, organiser_key, event_id)] == ["ada@example.com"]


def test_a_form_without_its_stamp_is_asked_to_press_again_with_a_fresh_one(
        client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)

    no_stamp = client.http.post(f"/events/{event_id}/registrations", headers=FORM,
                                body="email=ada%40example.com&name=Ada&organisation=Engines")
    as_json = client.http.post(f"/events/{event_id}/registrations",
                               headers={**FORM, "Accept": "application/json"},
                               body="email=ada%40example.com&name=Ada&organisation=Engines")

    assert no_stamp.status_code == 400
    page = no_stamp.body.decode()
    assert "Please confirm you are a person" in page
    assert page.split('name="form_started" value="')[1].split('"')[0].isdigit()
    assert as_json.status_code == 400 and list(as_json.json_body["errors"]) == ["form_started"]
    assert registrations(client, organiser_key, event_id) == []


def test_a_fast_form_with_mistakes_gets_its_errors_first(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)

    response = register_by_form(client, event_id, "ada.example.com", seconds_on_page=0)

    assert response.status_code == 400
    assert 'id="email-error"' in response.body.decode()
    assert "Please confirm you are a person" not in response.body.decode()


def test_api_clients_are_not_held_to_a_fill_time(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    response = client.http.post(f"/events/{event_id}/registrations", headers=JSON,
                                body=json.dumps({"email": "api@example.com", **PERSON}))
    assert response.status_code == 202
    assert [r["email"] for r in registrations(client, organiser_key, event_id)] == ["api@example.com"]


def test_the_page_served_with_the_form_lets_a_person_register(client: Any, organiser_key: str) -> None:
    # Given the event page as a browser receives it
    event_id = create_event(client, organiser_key)
    page = client.http.get(f"/events/{event_id}").body.decode()
    stamp = page.split('name="form_started" value="')[1].split('"')[0]
    assert stamp.isdigit()

    # When the person posts it (the stamp is from before they started typing)
    response = register_by_form(client, event_id, "ada@example.com",
                                form_started=str(int(stamp) - 5))

    # Then they are registered
    assert response.status_code == 202
    assert counts(client, organiser_key, event_id)["confirmed"] == 1


def test_the_api_gateway_sample_registers_through_the_lambda_entry_point(
        deployed: Any, client: Any, organiser_key: str) -> None:
    # Given the sample API Gateway event for a form post, aimed at this test's event
    from app import app
    from clubflow.dev.pump import LocalContext

    event_id = create_event(client, organiser_key)
    request = sample_event("api_gateway_post_registration.json")
    request["path"] = request["path"].replace(request["pathParameters"]["event_id"], event_id)
    request["pathParameters"]["event_id"] = event_id
    request["body"] = request["body"].replace("form_started=1899622800", "form_started=1000000000")

    # When Lambda hands it to the app
    response = app(request, LocalContext("APIHandler"))

    # Then the person gets the check-your-email page and is registered
    assert response["statusCode"] == 202
    assert "Check your email" in response["body"]
    assert response["headers"]["Referrer-Policy"] == "no-referrer"
    (record,) = registrations(client, organiser_key, event_id)
    assert record["email"] == "ada@example.com"
    assert record["needs"] == "Vegetarian; a quiet room please"
    assert record["consent_report"] is True and record["consent_updates"] is False


LOOKALIKE_ADDRESSES = [
    "a\x00da@example.com",
    "a\u200bda@example.com",
    "ada\u202e@example.com",
    "\u0430da@example.com",  # Cyrillic a
    "\uff41\uff44\uff41@example.com",  # full-width
]


def test_addresses_with_hidden_or_lookalike_characters_are_refused_by_name(
        client: Any, organiser_key: str, outbox: Any, pump: Any) -> None:
    # Given an event
    event_id = create_event(client, organiser_key)

    for address in LOOKALIKE_ADDRESSES:
        # When someone registers with an address that is not what it looks like, by API and form
        api = register(client, event_id, address)
        page = register_by_form(client, event_id, address)

        # Then both are told which field to correct, and nobody is registered or emailed
        assert api.status_code == 400, address
        assert list(api.json_body["errors"]) == ["email"]
        assert page.status_code == 400
        assert b'id="email-error"' in page.body
    pump.drain()
    assert registrations(client, organiser_key, event_id) == []
    assert outbox.messages() == []


def test_one_person_whatever_the_case_or_spelling_of_an_international_domain(
        client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)

    for address in ("Ada@Bücher.de", "ada@xn--bcher-kva.de", "ADA@BÜCHER.DE"):
        assert register(client, event_id, address).status_code == 202

    assert [r["email"] for r in registrations(client, organiser_key, event_id)] == [
        "ada@xn--bcher-kva.de"]
