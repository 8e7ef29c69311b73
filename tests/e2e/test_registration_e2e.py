"""Registration over real HTTP on the local stack: a rush of people for few places, and the
reminder the day before."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import requests

from tests.e2e.conftest import LocalStack

EVENT = {
    "title": "Communities of Practice: the rush",
    "number": 52,
    "starts_at": "2030-09-10T09:00:00+00:00",
    "ends_at": "2030-09-10T15:00:00+00:00",
    "timezone": "Europe/London",
    "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers",
    "capacity": 50,
}
MANAGE = re.compile(r"https?://[^\s\"'<>]+/r/[A-Za-z0-9_-]{20,100}")


def _event(stack: LocalStack, **changes: Any) -> str:
    created = stack.admin("POST", "/admin/events", {**EVENT, **changes})
    assert created.status_code == 201, created.text
    return str(created.json()["event_id"])


def _register(stack: LocalStack, event_id: str, email: str) -> requests.Response:
    # A fresh connection per person, as 200 different browsers would open.
    return requests.post(f"{stack.url}/events/{event_id}/registrations", timeout=60,
                         headers={"Accept": "application/json"},
                         json={"email": email, "name": "Grace Hopper", "organisation": "Compilers Ltd",
                               "consent_report": True, "consent_updates": False})


def test_two_hundred_at_once_for_fifty_places(local_stack: LocalStack) -> None:
    # Given an event with 50 places
    event_id = _event(local_stack)
    batch = secrets.token_hex(4)
    people = [f"rush-{batch}-{i:03d}@example.org" for i in range(200)]

    # When 200 people register at the same moment
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda email: _register(local_stack, event_id, email), people))
    local_stack.pump()

    # Then every one got the same answer
    assert Counter((a.status_code, a.text) for a in answers) == {(202, '{"status": "received"}'): 200}

    # And exactly 50 hold places, 150 wait in a single unbroken line, nobody twice
    listed = local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()
    records = listed["registrations"]
    assert len(records) == 200
    assert sorted(r["email"] for r in records) == sorted(people)
    statuses = Counter(r["status"] for r in records)
    assert statuses == {"confirmed": 50, "waitlisted": 150}
    assert sorted(r["position"] for r in records if r["status"] == "waitlisted") == list(range(1, 151))
    assert listed["counts"] == {"confirmed": 50, "waitlisted": 150, "cancelled": 0, "attended": 0, "offered": 0}

    # And each person has exactly one email saying which
    mine = [m for m in local_stack.outbox() if m["to"][0] in set(people)]
    assert len(mine) == 200
    assert Counter(m["to"][0] for m in mine) == dict.fromkeys(people, 1)
    subjects = Counter(m["subject"].split(":")[0] for m in mine)
    assert subjects == {"You're registered": 50, "You're on the waiting list": 150}
    invites = [m for m in mine if m["subject"].startswith("You're registered")]
    assert all([a["filename"] for a in m["attachments"]] == ["invite.ics"] for m in invites)


def test_a_cancellation_over_http_promotes_the_first_in_line(local_stack: LocalStack) -> None:
    # Given one place, taken by Ada, and Bob then Cy waiting
    event_id = _event(local_stack, capacity=1)
    batch = secrets.token_hex(4)
    ada, bob, cy = (f"{name}-{batch}@example.org" for name in ("ada", "bob", "cy"))
    for email in (ada, bob, cy):
        assert _register(local_stack, event_id, email).status_code == 202
    local_stack.pump()

    # When Ada follows her emailed link and cancels
    (confirmation,) = local_stack.outbox(to=ada)
    link = MANAGE.search(confirmation["text"])
    assert link is not None
    cancelled = local_stack.post(link.group(0).replace(local_stack.url, "") + "/cancel",
                                 headers={"Accept": "application/json"})
    local_stack.pump()

    # Then Bob has her place and his invite; Cy is first in line
    assert cancelled.json() == {"status": "cancelled", "already": False}
    assert local_stack.outbox(to=bob)[0]["subject"].startswith("A place has come up")
    listed = {r["email"]: r for r in
              local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()["registrations"]}
    assert (listed[bob]["status"], listed[cy]["position"]) == ("confirmed", 1)


def test_the_reminder_fires_the_day_before(local_stack: LocalStack) -> None:
    # Given a confirmed attendee of an event in October
    event_id = _event(local_stack, starts_at="2030-10-08T09:00:00+00:00", ends_at="2030-10-08T15:00:00+00:00")
    email = f"remind-{secrets.token_hex(4)}@example.org"
    _register(local_stack, event_id, email)
    local_stack.pump()

    # When the stack's clock reaches the day before
    local_stack.pump(now=datetime(2030, 10, 7, 9, 0, 5, tzinfo=UTC))

    # Then the attendee has their reminder, with the local time
    reminders = [m for m in local_stack.outbox(to=email) if m["subject"].startswith("See you soon")]
    assert len(reminders) == 1
    assert "Tuesday 8 October 2030, 10:00 BST" in reminders[0]["text"]
