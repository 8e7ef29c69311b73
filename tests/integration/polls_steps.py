"""Steps shared by the poll tests: an event with the seed's polls, attendees invited by email,
answers sent through their personal links."""

from __future__ import annotations

import json
import re
from typing import Any, cast
from urllib.parse import urlencode, urlparse

from clubflow.dev import demo
from tests.integration.registration_steps import JSON, create_event, organiser, register

__all__ = ["SEED_POLLS", "create_event", "organiser", "register"]

FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
# The demo loads exactly these, so the tests hold the demo to the poll contract.
SEED_POLLS = cast(list[dict[str, Any]], demo.POLLS)
POLL_LINK = re.compile(r"https?://[^\s\"'<>]+/p/[A-Za-z0-9_-]{20,100}")


def create_poll(client: Any, key: str, event_id: str, poll: dict[str, Any]) -> Any:
    return client.http.post(f"/admin/events/{event_id}/polls", headers=organiser(key), body=json.dumps(poll))


def seed_polls(client: Any, key: str, event_id: str) -> list[str]:
    """The seed's three polls on the event; their ids in order."""
    ids = []
    for poll in SEED_POLLS:
        response = create_poll(client, key, event_id, poll)
        assert response.status_code == 201, response.body
        ids.append(str(response.json_body["poll_id"]))
    return ids


def invite(client: Any, key: str, event_id: str) -> Any:
    return client.http.post(f"/admin/events/{event_id}/poll-invitations", headers=organiser(key), body="{}")


def results(client: Any, key: str, poll_id: str) -> dict[str, Any]:
    response = client.http.get(f"/admin/polls/{poll_id}/results", headers=organiser(key))
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def close(client: Any, key: str, poll_id: str) -> Any:
    return client.http.post(f"/admin/polls/{poll_id}/close", headers=organiser(key), body="{}")


def invitations(outbox: Any, address: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(address) if m["subject"].startswith("How was")]


def link_path(message: dict[str, Any]) -> str:
    """The path of the personal poll link in an invitation (the same link in both parts)."""
    links = set(POLL_LINK.findall(message["text"]))
    assert len(links) == 1, message["text"]
    assert links <= set(POLL_LINK.findall(message["html"]))
    return urlparse(links.pop()).path


def attendee_link(client: Any, key: str, event_id: str, email: str, pump: Any, outbox: Any) -> str:
    """Register, get invited, and return the personal poll link's path."""
    response = register(client, event_id, email)
    assert response.status_code == 202, response.body
    pump.drain()
    assert invite(client, key, event_id).status_code == 202
    pump.drain()
    [message] = invitations(outbox, email)
    return link_path(message)


def answer(client: Any, path: str, answers: dict[str, Any]) -> Any:
    """Answer as an API client: JSON in, JSON out."""
    return client.http.post(path, headers=JSON, body=json.dumps({"answers": answers}))


def answer_by_form(client: Any, path: str, fields: list[tuple[str, str]]) -> Any:
    """Answer as a browser posts the page's form (a checkbox field repeats per box ticked)."""
    return client.http.post(path, headers=FORM, body=urlencode(fields))
