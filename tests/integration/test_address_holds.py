"""An event may hold places only for real addresses (`confirm_address`): a new registration
holds its place, or its waiting spot, until its emailed link is confirmed; a hold not confirmed
within 30 minutes is released by its schedule and the place goes to the next person."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.hold_steps import (
    ADDRESS_LINK,
    OFFER_LINK,
    answer,
    clock_mover,
    link_in,
    mail_to,
    starting_in,
    statuses,
)
from tests.integration.registration_steps import JSON, counts, create_event, manage_path, register

CONFIRM_SUBJECT = "Confirm your email address"


def _confirm_path(outbox: Any, email: str) -> str:
    return link_in(mail_to(outbox, email, CONFIRM_SUBJECT)[0], ADDRESS_LINK)


def test_an_unconfirmed_hold_is_released_after_30_minutes_and_the_next_person_promoted(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given one place, held by an address nobody confirms, and Ada waiting with hers confirmed
    event_id = create_event(client, organiser_key, capacity=1, confirm_address=True)
    register(client, event_id, "invented@example.com")
    register(client, event_id, "ada@example.com")
    pump.drain()
    assert client.http.post(_confirm_path(outbox, "ada@example.com"), headers=JSON, body="{}").status_code == 200
    pump.drain()
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 1, "cancelled": 0, "attended": 0, "offered": 0}
    move = clock_mover(monkeypatch)

    # When 29 minutes pass the hold stands; when 30 have passed its schedule releases it
    pump.drain(now=move(timedelta(minutes=29)))
    assert statuses(client, organiser_key, event_id)["invented@example.com"] == "confirmed"
    pump.drain(now=move(timedelta(minutes=30, seconds=5)))

    # Then Ada has the place; the invented address got its one link and nothing else
    assert statuses(client, organiser_key, event_id) == {
        "invented@example.com": "cancelled", "ada@example.com": "confirmed"}
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 0, "cancelled": 1, "attended": 0, "offered": 0}
    assert [m["subject"].split(":")[0] for m in outbox.messages_to("invented@example.com")] == [CONFIRM_SUBJECT]
    assert [m["subject"].split(":")[0] for m in outbox.messages_to("ada@example.com")] == [
        "A place has come up, you're registered", "You're on the waiting list", CONFIRM_SUBJECT]


def test_a_confirmed_hold_keeps_its_place_and_gets_its_outcome_then(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given Ada's place held for her address
    event_id = create_event(client, organiser_key, capacity=5, confirm_address=True)
    register(client, event_id, "ada@example.com")
    pump.drain()
    (ask,) = outbox.messages_to("ada@example.com")
    assert ask["subject"].startswith(CONFIRM_SUBJECT) and not ask["attachments"]
    path = _confirm_path(outbox, "ada@example.com")

    # When the link is opened (as a scanner does), nothing is confirmed
    page = client.http.get(path)
    assert page.status_code == 200 and "Confirm my email address" in page.body.decode()
    pump.drain()
    assert len(outbox.messages_to("ada@example.com")) == 1

    # When she presses Confirm (twice), and the hold's time passes
    first = client.http.post(path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="")
    second = client.http.post(path, headers=JSON, body="{}")
    pump.drain()
    pump.drain(now=clock_mover(monkeypatch)(timedelta(minutes=31)))

    # Then her place stays, and her confirmation (with its invite) went once
    assert first.status_code == 200 and "Your address is confirmed" in first.body.decode()
    assert second.json_body == {**second.json_body, "status": "confirmed", "already": True}
    assert statuses(client, organiser_key, event_id) == {"ada@example.com": "confirmed"}
    (confirmed,) = mail_to(outbox, "ada@example.com", "You're registered")
    assert any(a["content_type"] == "text/calendar" for a in confirmed["attachments"])
    assert manage_path(confirmed)


def test_registering_again_answers_the_same_and_a_waiting_hold_confirmed_keeps_its_spot(
        client: Any, organiser_key: str, pump: Any, outbox: Any, aws_calls: Any) -> None:
    # Given a full event that asks for the address
    event_id = create_event(client, organiser_key, capacity=1, confirm_address=True)

    def requests_for(email: str) -> tuple[Any, list[str]]:
        before = len(aws_calls.calls)
        response = register(client, event_id, email)
        return response, [op for svc, op in aws_calls.calls[before:] if svc == "dynamodb"]

    # When a place is held, a spot is held, and the same address registers again while pending
    new, new_requests = requests_for("first@example.com")
    waiting, waiting_requests = requests_for("ada@example.com")
    repeat, repeat_requests = requests_for("ada@example.com")
    pump.drain()

    # Then all three answer alike, each in at most two DynamoDB requests, and the repeat sent the link again
    assert {r.status_code for r in (new, waiting, repeat)} == {202}
    assert new.json_body == waiting.json_body == repeat.json_body == {"status": "received"}
    assert new_requests == waiting_requests == ["TransactWriteItems", "TransactWriteItems"]
    assert len(repeat_requests) <= 2
    assert len(mail_to(outbox, "ada@example.com", CONFIRM_SUBJECT)) == 2

    # When Ada confirms, and registers again later
    assert client.http.post(_confirm_path(outbox, "ada@example.com"), headers=JSON, body="{}").status_code == 200
    later = register(client, event_id, "ada@example.com")
    pump.drain()

    # Then she waits as anyone would, and her repeat gets today's answer (its email, as today, at
    # most once an hour: this hour's went with the link)
    assert later.status_code == 202 and later.json_body == {"status": "received"}
    assert statuses(client, organiser_key, event_id)["ada@example.com"] == "waitlisted"
    assert mail_to(outbox, "ada@example.com", "You're on the waiting list")
    assert len(outbox.messages_to("ada@example.com")) == 3


def test_a_released_hold_near_the_start_offers_its_place(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an event ten hours ahead whose one place is held unconfirmed, and Ada waiting (confirmed)
    event_id = create_event(client, organiser_key, capacity=1, confirm_address=True,
                            **starting_in(timedelta(hours=10)))
    register(client, event_id, "invented@example.com")
    register(client, event_id, "ada@example.com")
    pump.drain()
    client.http.post(_confirm_path(outbox, "ada@example.com"), headers=JSON, body="{}")

    # When the hold is released
    pump.drain(now=clock_mover(monkeypatch)(timedelta(minutes=31)))

    # Then the place is offered to Ada, who can take it
    assert statuses(client, organiser_key, event_id)["ada@example.com"] == "offered"
    (offer,) = mail_to(outbox, "ada@example.com", "A place has come up for you")
    assert answer(client, link_in(offer, OFFER_LINK), "accept").status_code == 200
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 0, "cancelled": 1, "attended": 0, "offered": 0}


def test_a_link_once_its_hold_is_released_is_404(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    event_id = create_event(client, organiser_key, capacity=1, confirm_address=True)
    register(client, event_id, "late@example.com")
    pump.drain()
    path = _confirm_path(outbox, "late@example.com")

    pump.drain(now=clock_mover(monkeypatch)(timedelta(minutes=31)))

    assert client.http.get(path).status_code == 404
    assert client.http.post(path, headers=JSON, body="{}").status_code == 404
    assert counts(client, organiser_key, event_id)["confirmed"] == 0


def test_the_event_page_says_the_address_will_be_confirmed(client: Any, organiser_key: str) -> None:
    asking = create_event(client, organiser_key, confirm_address=True)
    plain = create_event(client, organiser_key)

    assert "kept for 30 minutes" in client.http.get(f"/events/{asking}").body.decode()
    assert "kept for 30 minutes" not in client.http.get(f"/events/{plain}").body.decode()


def test_a_hold_whose_request_is_delivered_after_its_time_is_released_at_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given holds whose requests reach the worker only after their 30 minutes (a late delivery)
    event_id = create_event(client, organiser_key, capacity=1, confirm_address=True)
    register(client, event_id, "slow@example.com")
    register(client, event_id, "ada@example.com")
    clock_mover(monkeypatch)(timedelta(minutes=31))

    # When the worker gets it (no schedule is due yet)
    pump.drain()

    # Then both holds (Ada waits unconfirmed too) are released there and then: the place is free
    assert statuses(client, organiser_key, event_id) == {
        "slow@example.com": "cancelled", "ada@example.com": "cancelled"}
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 0, "waitlisted": 0, "cancelled": 2, "attended": 0, "offered": 0}
