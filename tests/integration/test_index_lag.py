"""The waiting-list index is eventually consistent in DynamoDB (moto's is not): cancelling and
promoting stay right while it still shows people as they were a moment ago."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.registration_steps import JSON, change_event, counts, create_event, manage_path, register


def _lagging_index(monkeypatch: pytest.MonkeyPatch, event_id: str) -> None:
    """From now on the index shows the waiting list as it is now, whatever changes afterwards."""
    from chalicelib.registration import service

    snapshot = service.waiting_list(event_id, limit=1000)
    monkeypatch.setattr(service, "waiting_list", lambda _event_id, limit=10: [dict(i) for i in snapshot[:limit]])


def test_a_cancellation_while_the_index_still_lists_the_canceller_as_waiting(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given one place: Ada waited and was promoted when its holder left, Bob waits behind her,
    # and the index has not yet seen Ada's promotion
    event_id = create_event(client, organiser_key, capacity=1)
    for person in ("first@example.com", "ada@example.com", "bob@example.com"):
        register(client, event_id, person)
    pump.drain()
    _lagging_index(monkeypatch, event_id)
    first_link = manage_path(outbox.messages_to("first@example.com")[0])
    assert client.http.post(f"{first_link}/cancel", headers=JSON, body="{}").status_code == 200
    pump.drain()

    # When Ada cancels her place
    ada_link = manage_path(outbox.messages_to("ada@example.com")[-1])
    response = client.http.post(f"{ada_link}/cancel", headers=JSON, body=json.dumps({}))

    # Then she is cancelled (not offered her own place: two operations on one item) and Bob promoted
    assert response.status_code == 200, response.body
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 1, "waitlisted": 0, "cancelled": 2, "attended": 0, "offered": 0}


def test_promotions_fill_every_new_place_while_the_index_lags(
        client: Any, organiser_key: str, pump: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.registration import service

    # Given a full event of one place with 20 waiting, and an index that does not move
    event_id = create_event(client, organiser_key, capacity=1)
    for n in range(21):
        register(client, event_id, f"w{n:02d}@example.com")
    _lagging_index(monkeypatch, event_id)

    # When 15 places are added and the waiting list is promoted
    change_event(client, organiser_key, event_id, capacity=16)
    promoted = service.promote_waiting(event_id)

    # Then all 15 are filled, in arrival order, past the people already promoted
    assert [p["email"] for p in promoted] == [f"w{n:02d}@example.com" for n in range(1, 16)]
    assert counts(client, organiser_key, event_id)["confirmed"] == 16
