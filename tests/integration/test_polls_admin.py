"""Organisers define an event's polls, close them and read their results."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.polls_steps import (
    SEED_POLLS,
    close,
    create_event,
    create_poll,
    invite,
    organiser,
    results,
    seed_polls,
)

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "PutEvents"}


@pytest.fixture
def event_id(client: Any, organiser_key: str) -> str:
    return create_event(client, organiser_key)


def test_the_seeds_three_polls_are_listed_in_the_order_they_were_made(
    client: Any, organiser_key: str, event_id: str
) -> None:
    # When the organiser creates the seed's three polls
    ids = seed_polls(client, organiser_key, event_id)

    # Then the event lists them in that order, open, as they were defined
    listing = client.http.get(f"/admin/events/{event_id}/polls", headers=organiser(organiser_key))
    assert listing.status_code == 200
    polls = listing.json_body["polls"]
    assert [p["poll_id"] for p in polls] == ids
    assert [p["question"] for p in polls] == [p["question"] for p in SEED_POLLS]
    assert {p["status"] for p in polls} == {"open"}
    assert polls[0]["options"] == ["Communities of Practice", "Profession", "Centres of Excellence"]
    assert polls[2]["scale"] == {"min": 1, "max": 10, "min_label": "poor", "max_label": "perfect"}

    # And each starts with nobody having answered
    rating = results(client, organiser_key, ids[2])
    assert rating["total"] == 0 and rating["mean"] is None
    assert list(rating["counts"]) == [str(n) for n in range(1, 11)]
    assert results(client, organiser_key, ids[1])["percent"] == dict.fromkeys(SEED_POLLS[1]["options"], 0.0)


def test_a_poll_can_be_made_from_a_form_post(client: Any, organiser_key: str, event_id: str) -> None:
    response = client.http.post(
        f"/admin/events/{event_id}/polls",
        headers={"Authorization": f"Bearer {organiser_key}", "Accept": "application/json",
                 "Content-Type": "application/x-www-form-urlencoded"},
        body="question=Which+workshop%3F&kind=multiple&options=Professions&options=Communities+of+Practice",
    )

    assert response.status_code == 201, response.body
    assert response.json_body["poll"]["options"] == ["Professions", "Communities of Practice"]


@pytest.mark.parametrize("poll, field", [
    ({"kind": "single", "options": ["A", "B"]}, "question"),
    ({"question": "Which?", "kind": "single", "options": ["Only one"]}, "options"),
    ({"question": "Which?", "kind": "rating", "scale": {"min": 10, "max": 1}}, "scale"),
    ({"question": "Which?", "kind": "vote", "options": ["A", "B"]}, "kind"),
])
def test_a_bad_poll_is_a_400_naming_the_field_and_nothing_is_written(
    client: Any, organiser_key: str, event_id: str, aws_calls: Any, poll: dict[str, Any], field: str
) -> None:
    before = len(aws_calls.calls)

    response = create_poll(client, organiser_key, event_id, poll)

    assert response.status_code == 400
    assert list(response.json_body["errors"]) == [field]
    assert not WRITES & {operation for _, operation in aws_calls.calls[before:]}
    listing = client.http.get(f"/admin/events/{event_id}/polls", headers=organiser(organiser_key))
    assert listing.json_body["polls"] == []


def test_unknown_events_and_polls_are_404(client: Any, organiser_key: str, aws_calls: Any) -> None:
    before = len(aws_calls.calls)
    assert create_poll(client, organiser_key, "no-such-event", SEED_POLLS[0]).status_code == 404
    assert not WRITES & {operation for _, operation in aws_calls.calls[before:]}
    assert client.http.get("/admin/events/no-such-event/polls",
                           headers=organiser(organiser_key)).status_code == 404
    assert invite(client, organiser_key, "no-such-event").status_code == 404
    assert close(client, organiser_key, "0123456789ab").status_code == 404
    assert client.http.get("/admin/polls/0123456789ab/results",
                           headers=organiser(organiser_key)).status_code == 404


def test_poll_routes_need_the_organiser_key(client: Any, event_id: str) -> None:
    response = client.http.post(f"/admin/events/{event_id}/polls", body=json.dumps(SEED_POLLS[0]),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_closing_is_idempotent_and_shows_in_the_listing(client: Any, organiser_key: str, event_id: str) -> None:
    [first, *_] = seed_polls(client, organiser_key, event_id)

    closed = close(client, organiser_key, first)
    again = close(client, organiser_key, first)

    assert closed.status_code == again.status_code == 200
    assert closed.json_body["status"] == "closed" and closed.json_body["closed_at"]
    assert again.json_body["closed_at"] == closed.json_body["closed_at"]
    listing = client.http.get(f"/admin/events/{event_id}/polls", headers=organiser(organiser_key))
    assert [p["status"] for p in listing.json_body["polls"]] == ["closed", "open", "open"]


def test_inviting_needs_an_open_poll(client: Any, organiser_key: str, event_id: str, aws_calls: Any,
                                     pump: Any) -> None:
    response = invite(client, organiser_key, event_id)
    pump.relay_outbox()

    assert response.status_code == 409
    assert "no open polls" in response.json_body["errors"]["polls"]
    assert not [e for e in aws_calls.published if e["DetailType"] == "PollInvitationsRequested"]
