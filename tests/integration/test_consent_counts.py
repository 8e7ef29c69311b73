"""Organisers see how many want each kind of email (the API and `clubflow consents`): counts
only, and a refusal is counted as a refusal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.cli_steps import Cli
from tests.integration.registration_steps import create_event, organiser, register


def test_counts_per_purpose_follow_each_choice(
    client: Any, organiser_key: str, pump: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.reports import suppression
    from chalicelib.subscriptions import service

    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com", consent_report=True, consent_updates=True)
    register(client, event_id, "bob@example.com", consent_report=True, consent_updates=True)
    register(client, event_id, "cy@example.com", consent_report=False, consent_updates=False)
    pump.drain()
    service.leave("bob@example.com")
    suppression.suppress("bob@example.com", suppression.UNSUBSCRIBED)

    answer = client.http.get(f"/admin/consents?event_id={event_id}", headers=organiser(organiser_key))

    assert answer.status_code == 200
    assert answer.json_body == {"news": {"subscribed": 1, "left": 1},
                                "reports": {"event_id": event_id, "asked": 2, "refused": 1, "would_receive": 1}}
    assert "ada@example.com" not in answer.body.decode()  # counts, never addresses
    assert client.http.get("/admin/consents?event_id=nope", headers=organiser(organiser_key)).status_code == 404
    assert client.http.get("/admin/consents").status_code == 401

    ran = Cli(client, organiser_key, monkeypatch)("consents", "--event", event_id)
    assert ran.code == 0, ran.err
    assert "News of future events: 1 subscribed, 1 left" in ran.out
    assert "2 asked for it, 1 refused reports since, 1 would receive it" in ran.out
