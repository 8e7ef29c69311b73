"""Every route that reads an email address checks it one way: hidden, control and lookalike
characters are refused with a 400 naming the field, and nothing is stored or sent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.nominations_steps import NOMINATION
from tests.integration.slides_steps import create_event, organiser

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
LOOKALIKES = {
    "nul": "a\x00da@example.com",
    "zero width space": "a\u200bda@example.com",
    "right-to-left override": "ada\u202e@example.com",
    "cyrillic": "\u0430da@example.com",
    "full-width": "\uff41\uff44\uff41@example.com",
}


@pytest.mark.parametrize("address", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_public_forms_refuse_lookalike_addresses_by_name(
    client: Any, organiser_key: str, pump: Any, outbox: Any, address: str
) -> None:
    event_id = create_event(client, organiser_key, slide_policy="public")
    posts = {
        f"/events/{event_id}/slides/requests": {"email": address},
        "/topics": {"title": "Measuring the value of a community", "email": address},
        "/nominations": {**NOMINATION, "email": address},
    }

    for path, body in posts.items():
        response = client.http.post(path, headers=JSON, body=json.dumps(body))
        assert response.status_code == 400, path
        assert list(response.json_body["errors"]) == ["email"], path

    pump.drain()
    assert outbox.messages() == []


@pytest.mark.parametrize("address", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_organiser_routes_refuse_lookalike_addresses_by_name(
    client: Any, organiser_key: str, address: str
) -> None:
    event_id = create_event(client, organiser_key)
    posts = {
        "/admin/people/export": ({"email": address}, "email"),
        f"/admin/events/{event_id}/attendance": ({"emails": [address]}, "emails"),
    }

    for path, (body, field) in posts.items():
        response = client.http.post(path, headers=organiser(organiser_key), body=json.dumps(body))
        assert response.status_code == 400, path
        assert list(response.json_body["errors"]) == [field], path
