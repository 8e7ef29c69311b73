"""No client takes the seats: each source address may post only so often to a public route."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.registration_steps import FORM, JSON, PERSON, counts, create_event

LIMIT = 20


@pytest.fixture
def limited(deployed: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.core import settings

    monkeypatch.setenv("CLUBFLOW_RATE_LIMITS", f"{LIMIT}/600")
    settings.reset()
    yield
    settings.reset()


def _from(address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests from now on come from `address` (the source address API Gateway reports)."""
    from chalice.local import LambdaEventConverter

    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)


def _register(client: Any, event_id: str, email: str, headers: dict[str, str] = JSON) -> Any:
    return client.http.post(f"/events/{event_id}/registrations", headers=headers,
                            body=json.dumps({"email": email, **PERSON}))


def test_one_client_registering_a_hundred_people_is_stopped_and_others_are_not(
        client: Any, organiser_key: str, limited: None, pump: Any, outbox: Any,
        aws_calls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an event with 50 places
    event_id = create_event(client, organiser_key, capacity=50)

    # When one client posts 100 registrations with invented addresses
    _from("198.51.100.7", monkeypatch)
    before = len(aws_calls.calls)
    answers = [_register(client, event_id, f"bot{n}@example.com") for n in range(100)]
    during = Counter(aws_calls.calls[before:])

    # Then it got its share, then 429 with Retry-After, and took only that many places
    statuses = [a.status_code for a in answers]
    assert statuses == [202] * LIMIT + [429] * (100 - LIMIT)
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert refused.json_body["retry_after"] == int(refused.headers["Retry-After"])
    assert "Too many requests" in refused.json_body["errors"]["_"]
    assert counts(client, organiser_key, event_id)["confirmed"] == LIMIT
    # Counted inside each registration's own transaction: one request each, admitted or not;
    # the client is counted by a keyed hash whose key is read once, not per request
    assert during == {("dynamodb", "TransactWriteItems"): 100, ("secretsmanager", "GetSecretValue"): 1}

    # And a browser from that client is shown the page in the site's layout
    page = _register(client, event_id, "bot-page@example.com",
                     headers={**FORM, "Content-Type": "application/json"})
    assert page.status_code == 429 and page.headers["Content-Type"].startswith("text/html")
    assert "Retry-After" in page.headers and b"<main" in page.body

    # When a real person registers from another address
    _from("203.0.113.20", monkeypatch)
    real = _register(client, event_id, "ada@example.com")
    pump.drain()

    # Then they are confirmed, and emailed so
    assert real.status_code == 202
    assert counts(client, organiser_key, event_id)["confirmed"] == LIMIT + 1
    assert [m["subject"].split(":")[0] for m in outbox.messages_to("ada@example.com")] == ["You're registered"]


def test_every_other_public_post_is_limited_per_client_too(
        client: Any, organiser_key: str, limited: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _from("198.51.100.8", monkeypatch)
    answers = [client.http.post("/topics", headers=JSON,
                                body=json.dumps({"title": f"Topic {n}", "email": f"t{n}@example.com"}))
               for n in range(LIMIT + 2)]
    assert [a.status_code for a in answers][-3:] == [202, 429, 429]

    # Another client, and another route for the same client, are counted apart
    event_id = create_event(client, organiser_key)
    assert _register(client, event_id, "x@example.com").status_code == 202
    _from("198.51.100.9", monkeypatch)
    assert client.http.post("/topics", headers=JSON,
                            body=json.dumps({"title": "Mine", "email": "me@example.com"})).status_code == 202


def test_limits_switched_off_count_nothing(client: Any, organiser_key: str, aws_calls: Any) -> None:
    # (The test environment runs with CLUBFLOW_RATE_LIMITS=off, as load tests do.)
    event_id = create_event(client, organiser_key, capacity=100)
    answers = [_register(client, event_id, f"p{n}@example.com") for n in range(LIMIT + 5)]
    assert {a.status_code for a in answers} == {202}


def test_a_malformed_limit_setting_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import settings

    monkeypatch.setenv("CLUBFLOW_RATE_LIMITS", "lots")
    settings.reset()
    with pytest.raises(settings.SettingsError, match="CLUBFLOW_RATE_LIMITS"):
        settings.get_settings()
    settings.reset()
