"""Retention: with the clock moved past each period, the daily job has erased registrations'
needs, then names, organisations and job titles, and old slide download logs, while counts,
attendance and anonymous poll results stand; the export says what is kept until when."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import sample_event
from tests.integration import polls_steps, slides_steps
from tests.integration.registration_steps import counts, create_event, organiser, register

ENDS = datetime(2030, 3, 9, 16, 0, tzinfo=UTC)  # NEW_EVENT's end


def registration(event_id: str, email: str) -> dict[str, Any]:
    from chalicelib.registration import service

    found = service.get_registration(event_id, email)
    assert found is not None
    return found


def run_daily_job(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """The schedule's message, delivered to the job as Lambda would, at `at`."""
    from app import app
    from chalicelib.core import clock
    from clubflow.dev.pump import LocalContext

    monkeypatch.setattr(clock, "now", lambda: at)
    handler = app.handler_map["apply_retention"]
    assert handler(sample_event("sqs_retention_scheduled.json"), LocalContext("apply_retention")) == {
        "batchItemFailures": []}


def download_logs(event_id: str) -> list[dict[str, Any]]:
    from chalicelib.core import keys, store

    return list(store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.DOWNLOAD_PREFIX))


def test_personal_details_go_by_stage_and_the_counts_stay(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = organiser_key
    # Given an event with two registrations (with needs), attendance, a poll answered and slides downloaded
    event_id = create_event(client, key)
    later = create_event(client, key, title="Much later", starts_at="2032-03-09T10:00:00+00:00",
                         ends_at="2032-03-09T16:00:00+00:00")
    slides_steps.upload(client, key, event_id)
    poll_ids = polls_steps.seed_polls(client, key, event_id)
    for email in ("ada@example.com", "bob@example.com"):
        assert register(client, event_id, email).status_code == 202
    assert register(client, later, "ada@example.com").status_code == 202
    pump.drain()
    # The slides are asked for and downloaded on the day
    from chalicelib.core import clock

    monkeypatch.setattr(clock, "now", lambda: ENDS + timedelta(hours=1))
    slides_steps.ask_for_slides(client, event_id, "ada@example.com")
    pump.drain(now=ENDS + timedelta(hours=1))
    [link] = slides_steps.links_in(slides_steps.slide_emails(outbox, "ada@example.com")[0])
    assert slides_steps.press_download(client, link).status_code == 303
    assert polls_steps.invite(client, key, event_id).status_code == 202
    pump.drain()
    path = polls_steps.link_path(polls_steps.invitations(outbox, "ada@example.com")[0])
    assert polls_steps.answer(client, path, {poll_ids[0]: "Profession"}).status_code == 200
    as_json = {**organiser(key), "Content-Type": "application/json"}
    client.http.post(f"/admin/events/{event_id}/attendance", headers=as_json,
                     body=json.dumps({"emails": ["ada@example.com"]}))
    before = (counts(client, key, event_id), polls_steps.results(client, key, poll_ids[0]))
    assert before[0]["attended"] == 1

    # The export says until when each is kept
    exported = client.http.post("/admin/people/export", headers=as_json,
                                body=json.dumps({"email": "ada@example.com"})).json_body
    kept = {(k["what"], k["event_id"]): k["until"] for k in exported["kept_until"]}
    assert kept[("access, dietary and quiet-room needs", event_id)] == "2030-04-08T16:00:00+00:00"
    assert kept[("name, organisation and job title given at registration", event_id)] == "2032-03-09T16:00:00+00:00"
    assert any(what == "slide download log" for what, _ in kept)

    # When a day passes that is less than 30 days after the event: nothing goes
    run_daily_job(monkeypatch, ENDS + timedelta(days=29))
    assert registration(event_id, "ada@example.com")["needs"]

    # When the job runs 30 days after the event: needs go, names stay
    run_daily_job(monkeypatch, ENDS + timedelta(days=30, hours=1))
    ada = registration(event_id, "ada@example.com")
    assert "needs" not in ada and ada["name"] == "Ada Lovelace" and ada["organisation"]
    assert registration(later, "ada@example.com")["needs"]  # a later event's are its own
    assert len(download_logs(event_id)) == 1

    # When it runs 24 months after the event: names, organisations and job titles go too, and
    # the slide download log (over 12 months old)
    run_daily_job(monkeypatch, ENDS + timedelta(days=731))
    for email in ("ada@example.com", "bob@example.com"):
        held = registration(event_id, email)
        assert not {"name", "organisation", "job_title", "needs"} & set(held), held
        assert held["status"] == "confirmed"
    assert download_logs(event_id) == []
    assert registration(later, "ada@example.com")["name"] == "Ada Lovelace"

    # Then the counts, attendance and the anonymous poll results are as they were
    assert (counts(client, key, event_id), polls_steps.results(client, key, poll_ids[0])) == before
    # And running again changes nothing
    run_daily_job(monkeypatch, ENDS + timedelta(days=732))
    assert registration(event_id, "ada@example.com")["status"] == "confirmed"


def test_months_after_keeps_the_day_or_the_months_last() -> None:
    from chalicelib.privacy.retention import months_after

    assert months_after(datetime(2030, 1, 31, tzinfo=UTC), 1) == datetime(2030, 2, 28, tzinfo=UTC)
    assert months_after(datetime(2030, 3, 9, tzinfo=UTC), 24) == datetime(2032, 3, 9, tzinfo=UTC)
    assert months_after(datetime(2030, 11, 5, tzinfo=UTC), 2) == datetime(2031, 1, 5, tzinfo=UTC)
