"""Organisers create, read and change events; the public sees them."""

from __future__ import annotations

import json
from typing import Any

from tests.integration.event_steps import NEW_EVENT


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
            "Accept": "application/json"}


def create(client: Any, key: str, **changes: Any) -> Any:
    return client.http.post("/admin/events", headers=_auth(key), body=json.dumps({**NEW_EVENT, **changes}))


def test_organiser_creates_event_and_public_list_shows_it(client: Any, organiser_key: str) -> None:
    response = create(client, organiser_key)
    assert response.status_code == 201
    event_id = response.json_body["event_id"]

    listing = client.http.get("/events", headers={"Accept": "application/json"})
    assert [e["event_id"] for e in listing.json_body] == [event_id]

    page = client.http.get(f"/events/{event_id}")
    assert page.status_code == 200
    assert b"Communities of Practice" in page.body
    assert b"Saturday 9 March 2030, 10:00 GMT" in page.body


def test_bad_fields_get_one_message_each_and_nothing_is_written(client: Any, organiser_key: str) -> None:
    response = create(client, organiser_key, capacity=0, timezone="Mars/Olympus",
                      ends_at="2030-03-09T09:00:00+00:00", colour="red")
    assert response.status_code == 400
    errors = response.json_body["errors"]
    assert set(errors) == {"capacity", "timezone", "ends_at", "colour"}
    assert "between 1 and" in errors["capacity"]
    assert client.http.get("/admin/events", headers=_auth(organiser_key)).json_body == []


def test_end_before_start_is_refused(client: Any, organiser_key: str) -> None:
    response = create(client, organiser_key, ends_at="2030-03-09T09:00:00+00:00")
    assert response.status_code == 400
    assert "after the start" in response.json_body["errors"]["ends_at"]


def test_admin_routes_need_a_live_key(client: Any, organiser_key: str) -> None:
    assert client.http.get("/admin/events").status_code == 401
    wrong = client.http.get("/admin/events", headers={"Authorization": "Bearer cfk_wrong"})
    assert wrong.status_code == 403

    from chalicelib.core.auth import list_organisers, revoke

    assert revoke(list_organisers()[0].key_id) == 1
    revoked = client.http.get("/admin/events", headers={"Authorization": f"Bearer {organiser_key}"})
    assert revoked.status_code == 403


def test_patch_changes_fields_and_refuses_capacity_below_confirmed(client: Any, organiser_key: str) -> None:
    event_id = create(client, organiser_key).json_body["event_id"]
    response = client.http.patch(f"/admin/events/{event_id}", headers=_auth(organiser_key),
                                 body=json.dumps({"venue": "Room 2", "capacity": 60}))
    assert response.status_code == 200
    assert response.json_body["venue"] == "Room 2"
    assert response.json_body["capacity"] == 60
    assert response.json_body["counts"] == {
        "confirmed": 0, "waitlisted": 0, "cancelled": 0, "attended": 0, "offered": 0}


def test_unknown_event_is_404_everywhere(client: Any, organiser_key: str) -> None:
    assert client.http.get("/events/nope").status_code == 404
    assert client.http.get("/admin/events/nope", headers=_auth(organiser_key)).status_code == 404
    assert client.http.patch("/admin/events/nope", headers=_auth(organiser_key), body="{}").status_code == 404


def test_malformed_json_is_a_400_naming_the_body(client: Any, organiser_key: str) -> None:
    response = client.http.post("/admin/events", headers=_auth(organiser_key), body="{not json")
    assert response.status_code == 400
    assert "JSON" in response.json_body["errors"]["body"]


def test_markup_in_fields_is_shown_as_text(client: Any, organiser_key: str) -> None:
    event_id = create(client, organiser_key, title="<script>alert(1)</script>").json_body["event_id"]
    page = client.http.get(f"/events/{event_id}")
    assert b"<script>alert(1)</script>" not in page.body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.body
