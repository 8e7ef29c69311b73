"""Announcing an event to the club's list: every confirmed subscriber once, through the report
runs' batching and delivery; refusals, bounces and earlier announcements of the event honoured."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.cli_steps import Cli
from tests.integration.registration_steps import create_event, organiser, register
from tests.integration.subscriptions_steps import subscribed

ONE_CLICK = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


def announce(client: Any, key: str, event_id: str, **more: Any) -> Any:
    return client.http.post("/admin/announcements", headers={**organiser(key), "Content-Type": "application/json"},
                            body=json.dumps({"event_id": event_id, **more}))


def announcements_to(outbox: Any, email: str) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(email) if m["subject"].startswith(("Coming up", "Join us"))]


def test_an_announcement_reaches_each_subscriber_once_and_nobody_else(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.reports import runs

    monkeypatch.setattr(runs, "BATCH_SIZE", 2)  # several batches from a handful of people
    # Given a subscriber from the form, a registrant who asked for news and one who did not
    past = create_event(client, organiser_key, title="Past event")
    subscribed(client, pump, outbox, "ada@example.com")
    register(client, past, "cy@example.com", consent_updates=True)
    register(client, past, "bob@example.com", consent_updates=False)
    pump.drain()
    event_id = create_event(client, organiser_key, title="Measuring what matters", venue="Ofgem, London",
                            host="Ofgem")

    # When the organisers announce the next event with a note
    started = announce(client, organiser_key, event_id, markdown="Bring a **colleague**.")
    assert started.status_code == 202, started.body
    run_id = started.json_body["run_id"]
    pump.drain()

    # Then each subscriber has exactly one email, with the one-click headers and a registration link
    for email in ("ada@example.com", "cy@example.com"):
        [sent] = announcements_to(outbox, email)
        assert sent["subject"].startswith("Coming up: ") and sent["subject"].endswith("Measuring what matters")
        assert f"/events/{event_id}" in sent["text"] and "Ofgem, London" in sent["text"]
        assert "<strong>colleague</strong>" in sent["html"]
        assert sent["headers"]["List-Unsubscribe"].strip().startswith("<http")
        assert sent["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "news" in sent["headers"]["List-Id"]
    assert announcements_to(outbox, "bob@example.com") == []
    status = client.http.get(f"/admin/announcements/{run_id}", headers=organiser(organiser_key)).json_body
    assert (status["status"], status["kind"], status["recipients"], status["sent"]) == ("done", "announcement", 2, 2)

    # And a second announcement of the same event sends nobody the same thing twice, but
    # reaches whoever joined since
    subscribed(client, pump, outbox, "dee@example.com")
    again = announce(client, organiser_key, event_id, subject="Join us: Measuring what matters")
    pump.drain()
    assert len(announcements_to(outbox, "ada@example.com")) == 1
    assert len(announcements_to(outbox, "cy@example.com")) == 1
    assert len(announcements_to(outbox, "dee@example.com")) == 1
    second = client.http.get(f"/admin/announcements/{again.json_body['run_id']}",
                             headers=organiser(organiser_key)).json_body
    assert (second["sent"], second["skipped"]) == (1, 2)
    # The event's report is untouched: nothing published
    assert client.http.get(f"/reports/{event_id}").status_code == 404


def test_one_click_stops_news_only_and_a_bounce_is_skipped(
    client: Any, organiser_key: str, pump: Any, outbox: Any
) -> None:
    from chalicelib.reports import suppression
    from chalicelib.subscriptions import service

    subscribed(client, pump, outbox, "ada@example.com")
    subscribed(client, pump, outbox, "grace@example.org")
    suppression.suppress("grace@example.org", suppression.BOUNCED)
    first = create_event(client, organiser_key, title="First")
    announce(client, organiser_key, first)
    pump.drain()
    [sent] = announcements_to(outbox, "ada@example.com")
    assert announcements_to(outbox, "grace@example.org") == []
    url = sent["headers"]["List-Unsubscribe"].strip().strip("<>")
    path = url[url.index("/u/"):]

    done = client.http.post(path, headers=ONE_CLICK, body="List-Unsubscribe=One-Click")

    assert (done.json_body["purpose"], done.json_body["news"], done.json_body["reports"]) == ("news", False, True)
    assert not service.is_listed(service.subscriber("ada@example.com"))
    second = create_event(client, organiser_key, title="Second")
    announce(client, organiser_key, second)
    pump.drain()
    assert len(announcements_to(outbox, "ada@example.com")) == 1


def test_bad_requests_name_the_field_and_unknown_things_are_not_found(client: Any, organiser_key: str) -> None:
    missing = announce(client, organiser_key, "")
    assert missing.status_code == 400 and "event_id" in missing.json_body["errors"]
    assert announce(client, organiser_key, "no-such-event").status_code == 404
    assert client.http.get("/admin/announcements/0123456789abcdef", headers=organiser(organiser_key)).status_code == 404
    assert client.http.post("/admin/announcements", body="{}").status_code == 401


def test_the_cli_asks_first_and_sends_with_yes(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribed(client, pump, outbox, "ada@example.com")
    event_id = create_event(client, organiser_key)
    pump.drain()
    cli = Cli(client, organiser_key, monkeypatch)

    refused = cli("announce", event_id)
    assert refused.code != 0 and "add --yes" in refused.err
    assert pump.drain() == 0

    ran = cli("announce", event_id, "--yes", "--no-wait")
    assert ran.code == 0, ran.err
    pump.drain()
    assert len(announcements_to(outbox, "ada@example.com")) == 1
