"""People manage their registration from the emailed link: see it, cancel it in one click; the
first person waiting takes the place in the same step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.conftest import sample_event
from tests.integration.registration_steps import (
    JSON,
    change_event,
    counts,
    create_event,
    invite,
    manage_path,
    register,
    registrations,
    with_detail,
)

FORM_POST = {"Content-Type": "application/x-www-form-urlencoded"}


def _link(outbox: Any, pump: Any, email: str) -> str:
    pump.drain()
    return manage_path(outbox.messages_to(email)[-1])


def _statuses(client: Any, key: str, event_id: str) -> dict[str, str]:
    return {r["email"]: r["status"] for r in registrations(client, key, event_id)}


def test_the_manage_page_shows_the_registration_and_leaks_no_referrer(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada registered with markup in her name
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com", name="Ada <i>Lovelace</i>")
    path = _link(outbox, pump, "ada@example.com")

    # When she opens her link
    page = client.http.get(path)

    # Then she sees her confirmed place, her details as text, and a one-click cancel button
    assert page.status_code == 200
    body = page.body.decode()
    assert "Your place is <strong>confirmed</strong>" in body
    assert "Ada &lt;i&gt;Lovelace&lt;/i&gt;" in body and "<i>Lovelace</i>" not in body
    assert f'action="http://testserver{path}/cancel"' in body
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    as_json = client.http.get(path, headers={"Accept": "application/json"}).json_body
    assert as_json["registration"]["status"] == "confirmed"


def test_unknown_expired_and_foreign_links_look_the_same(client: Any, organiser_key: str) -> None:
    # Given a link that expired and one issued for something else
    from chalicelib.core import tokens

    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    data = {"event_id": event_id, "email": "ada@example.com"}
    expired = tokens.issue_token("manage", data, ttl=timedelta(seconds=-1))
    foreign = tokens.issue_token("slides", data, ttl=timedelta(days=1))

    # When each is opened, or used to cancel
    links = [expired, foreign, "A" * 43, "short"]
    pages = [client.http.get(f"/r/{raw}") for raw in links]
    cancels = [client.http.post(f"/r/{raw}/cancel", headers=FORM_POST, body="") for raw in links]

    # Then all give the same 404 page, and nothing was cancelled
    assert {p.status_code for p in pages + cancels} == {404}
    assert len({p.body for p in pages + cancels}) == 1
    assert _statuses(client, organiser_key, event_id) == {"ada@example.com": "confirmed"}


def test_cancelling_hands_the_place_to_the_first_person_waiting_in_one_step(
        client: Any, organiser_key: str, pump: Any, outbox: Any, aws_calls: Any) -> None:
    # Given a full event (one place) with two people waiting
    event_id = create_event(client, organiser_key, capacity=1)
    for email in ("ada@example.com", "bob@example.com", "cy@example.com"):
        register(client, event_id, email)
    path = _link(outbox, pump, "ada@example.com")

    # When Ada cancels in one click
    before = len(aws_calls.calls)
    response = client.http.post(f"{path}/cancel", headers=FORM_POST, body="")
    writes = [op for svc, op in aws_calls.calls[before:] if svc == "dynamodb" and op != "GetItem" and op != "Query"]

    # Then one transaction freed her place and gave it to Bob; Cy moves up
    assert response.status_code == 200
    assert b"Your registration is cancelled" in response.body
    assert writes == ["TransactWriteItems"]
    assert _statuses(client, organiser_key, event_id) == {
        "ada@example.com": "cancelled", "bob@example.com": "confirmed", "cy@example.com": "waitlisted"}
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 1, "cancelled": 1, "attended": 0, "offered": 0}
    cy = [r for r in registrations(client, organiser_key, event_id) if r["email"] == "cy@example.com"]
    assert cy[0]["position"] == 1

    # And Bob is emailed his invite, Ada a cancellation that removes hers from her calendar
    pump.drain()
    promoted = outbox.messages_to("bob@example.com")[0]
    assert promoted["subject"].startswith("A place has come up")
    assert "METHOD:REQUEST" in invite(promoted)
    assert client.http.get(manage_path(promoted)).status_code == 200
    cancelled = outbox.messages_to("ada@example.com")[0]
    assert cancelled["subject"].startswith("Registration cancelled")
    cancel_ics = invite(cancelled)
    first_ics = invite(outbox.messages_to("ada@example.com")[-1])
    assert "METHOD:CANCEL" in cancel_ics and "STATUS:CANCELLED" in cancel_ics
    assert "SEQUENCE:1" in cancel_ics
    uid = [line for line in first_ics.split("\r\n") if line.startswith("UID:")]
    assert uid and uid[0] in cancel_ics.split("\r\n")


def test_cancelling_twice_changes_nothing(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada cancelled
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "bob@example.com")
    path = _link(outbox, pump, "ada@example.com")
    client.http.post(f"{path}/cancel", headers=FORM_POST, body="")
    pump.drain()
    sent = len(outbox.messages())

    # When she clicks cancel again
    again = client.http.post(f"{path}/cancel", headers={**FORM_POST, "Accept": "application/json"}, body="")
    pump.drain()

    # Then nothing changes and nobody is emailed
    assert again.status_code == 200
    assert again.json_body == {"status": "cancelled", "already": True}
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 0, "cancelled": 1, "attended": 0, "offered": 0}
    assert len(outbox.messages()) == sent
    assert b"already cancelled" in client.http.post(f"{path}/cancel", headers=FORM_POST, body="").body


def test_cancelling_with_nobody_waiting_frees_the_place(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "ada@example.com")
    client.http.post(f"{_link(outbox, pump, 'ada@example.com')}/cancel", headers=FORM_POST, body="")

    assert counts(client, organiser_key, event_id) == {
        "confirmed": 0, "waitlisted": 0, "cancelled": 1, "attended": 0, "offered": 0}
    # And the freed place goes to the next person who registers
    register(client, event_id, "bob@example.com")
    assert _statuses(client, organiser_key, event_id)["bob@example.com"] == "confirmed"


def test_a_waiting_person_can_leave_the_list(client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Bob and Cy wait behind Ada
    event_id = create_event(client, organiser_key, capacity=1)
    for email in ("ada@example.com", "bob@example.com", "cy@example.com"):
        register(client, event_id, email)

    # When Bob leaves the list
    response = client.http.post(f"{_link(outbox, pump, 'bob@example.com')}/cancel", headers=FORM_POST, body="")

    # Then Cy is first in line and Ada keeps her place
    assert response.status_code == 200
    listed = {r["email"]: r for r in registrations(client, organiser_key, event_id)}
    assert listed["cy@example.com"]["position"] == 1
    assert listed["ada@example.com"]["status"] == "confirmed"
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 1, "cancelled": 1, "attended": 0, "offered": 0}
    pump.drain()
    (bye,) = [m for m in outbox.messages_to("bob@example.com") if "cancelled" in m["subject"]]
    assert bye["attachments"] == []  # he had no place in anyone's calendar


def test_someone_who_cancelled_can_register_again(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = create_event(client, organiser_key, capacity=2)
    register(client, event_id, "ada@example.com")
    client.http.post(f"{_link(outbox, pump, 'ada@example.com')}/cancel", headers=FORM_POST, body="")

    assert register(client, event_id, "ada@example.com").status_code == 202
    pump.drain()

    assert _statuses(client, organiser_key, event_id) == {"ada@example.com": "confirmed"}
    assert outbox.messages_to("ada@example.com")[0]["subject"].startswith("You're registered")


def test_more_capacity_promotes_waiting_people_in_order(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given one place and three people waiting
    event_id = create_event(client, organiser_key, capacity=1)
    people = ["ada@example.com", "bob@example.com", "cy@example.com", "di@example.com"]
    for email in people:
        register(client, event_id, email)
    pump.drain()

    # When the organisers raise capacity to three
    change_event(client, organiser_key, event_id, capacity=3)
    pump.drain()

    # Then the first two waiting take places and are emailed their invites; Di waits, first
    assert [_statuses(client, organiser_key, event_id)[e] for e in people] == [
        "confirmed", "confirmed", "confirmed", "waitlisted"]
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 3, "waitlisted": 1, "cancelled": 0, "attended": 0, "offered": 0}
    for email in ("bob@example.com", "cy@example.com"):
        assert outbox.messages_to(email)[0]["subject"].startswith("A place has come up")
    assert not any("A place" in m["subject"] for m in outbox.messages_to("di@example.com"))

    # And the same change delivered again promotes nobody else
    from app import app
    from clubflow.dev.pump import LocalContext

    again = with_detail(sample_event("sqs_event_updated.json"), event_id=event_id,
                        changed=["capacity"], capacity_before=1, capacity_after=3)
    for _ in range(2):
        assert app.handler_map["follow_event_changes"](again, LocalContext("x")) == {"batchItemFailures": []}
    assert counts(client, organiser_key, event_id)["confirmed"] == 3
    assert _statuses(client, organiser_key, event_id)["di@example.com"] == "waitlisted"


def test_no_cancelling_once_the_event_has_started(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada's event has since begun
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    path = _link(outbox, pump, "ada@example.com")
    change_event(client, organiser_key, event_id, starts_at="2021-03-09T10:00:00+00:00")

    # When she tries to cancel
    response = client.http.post(f"{path}/cancel", headers={**FORM_POST, **JSON}, body="")

    # Then she is told plainly, and her place stands
    assert response.status_code == 409
    assert "started" in response.json_body["errors"]["event"]
    assert _statuses(client, organiser_key, event_id) == {"ada@example.com": "confirmed"}
