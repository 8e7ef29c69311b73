"""Keeping in touch over real HTTP on the local stack: join the list from the form, confirm by
the link's button, and an announced event reaches the subscriber exactly once."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import LocalStack

JSON = {"Content-Type": "application/json", "Accept": "application/json"}
JOIN_LINK = re.compile(r"https?://\S+/subscriptions/[A-Za-z0-9_-]{20,100}")
EVENT = {
    "title": "Keeping communities going between events",
    "starts_at": "2031-02-11T09:00:00+00:00",
    "ends_at": "2031-02-11T15:30:00+00:00",
    "timezone": "Europe/London",
    "venue": "HPCA, 1 Long Lane, London",
    "host": "HPCA",
    "capacity": 40,
}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201, 202), response.text
    return dict(response.json())


def announcements(stack: LocalStack, email: str) -> list[dict[str, Any]]:
    return [m for m in stack.outbox(to=email) if m["subject"].startswith("Coming up")]


def test_subscribe_confirm_announce_once(local_stack: LocalStack, unique_email: str) -> None:
    stack = local_stack
    subscriber, registrant = unique_email, unique_email.replace("e2e-", "e2e-reg-")
    # Given a subscriber who confirmed by the link's button (opening the link alone joins nothing)
    assert ok(stack.post("/subscriptions", headers=JSON, json={"email": subscriber})) == {"status": "received"}
    stack.pump()
    [asked] = stack.outbox(to=subscriber)
    link = JOIN_LINK.search(asked["text"])
    assert link, asked["text"]
    assert ok(stack.http.get(link.group(0), headers=JSON, timeout=30))["status"] == "pending"
    assert ok(stack.http.post(link.group(0), headers=JSON, json={}, timeout=30))["status"] == "confirmed"
    # And a registrant who did not tick "future events"
    event_id = ok(stack.admin("POST", "/admin/events", EVENT))["event_id"]
    ok(stack.post(f"/events/{event_id}/registrations", headers=JSON, json={
        "email": registrant, "name": "Jo Stanford", "organisation": "HPCA", "consent_updates": False}))
    stack.pump()

    # When the organisers announce the event, twice
    first = ok(stack.admin("POST", "/admin/announcements", {"event_id": event_id}))
    stack.pump()
    second = ok(stack.admin("POST", "/admin/announcements", {"event_id": event_id}))
    stack.pump()

    # Then the subscriber has exactly one email, with the one-click headers and a registration link
    [sent] = announcements(stack, subscriber)
    assert sent["headers"]["List-Unsubscribe"].strip().startswith("<http")
    assert sent["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{stack.url}/events/{event_id}" in sent["text"]
    # And the registrant who did not ask for news has none
    assert announcements(stack, registrant) == []
    assert ok(stack.admin("GET", f"/admin/announcements/{first['run_id']}"))["status"] == "done"
    assert ok(stack.admin("GET", f"/admin/announcements/{second['run_id']}"))["status"] == "done"
