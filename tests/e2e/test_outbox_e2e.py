"""Nothing lost over real HTTP: whatever a rush of clients is answered, every registration the
local stack stored reaches its person exactly once (its event was stored with it)."""

from __future__ import annotations

import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_registration_e2e import _event, _register

DRAIN_SECONDS = 600


def _drain(stack: LocalStack) -> None:
    # A rush leaves hundreds of emails to send: longer than the usual pump call may take.
    for _ in range(20):
        response = requests.post(f"{stack.url}/_dev/pump", json={}, timeout=DRAIN_SECONDS)
        assert response.status_code == 200, response.text
        if response.json()["handled"] == 0:
            return


def test_every_stored_registration_gets_exactly_one_outcome_email(local_stack: LocalStack) -> None:
    # Given an event with 50 places (rate limits are off in the test environment)
    event_id = _event(local_stack)
    batch = secrets.token_hex(4)
    people = [f"outbox-{batch}-{i:03d}@example.org" for i in range(200)]

    # When 50 clients register 200 people at once
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda email: _register(local_stack, event_id, email), people))
    _drain(local_stack)

    # Then exactly 50 hold places, and each stored person got exactly one email (none for anyone
    # not stored), whatever their answer was
    statuses = Counter(a.status_code for a in answers)
    print(f"\nanswers: {dict(statuses)}")
    listed = local_stack.admin("GET", f"/admin/events/{event_id}/registrations").json()
    stored = {r["email"] for r in listed["registrations"]}
    assert listed["counts"]["confirmed"] == 50
    received = Counter(m["to"][0] for m in local_stack.outbox() if m["to"][0] in set(people))
    assert received == dict.fromkeys(stored, 1)
    # Everyone answered 202 was stored
    assert {email for email, answer in zip(people, answers, strict=True) if answer.status_code == 202} <= stored
