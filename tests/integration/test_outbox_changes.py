"""Every change an organiser or a worker stores reaches its people when the bus fails right after
it: the domain event was stored with the change, and the outbox relay puts it on the bus once
the bus is back. A consumer's fan-out, which stores nothing, goes straight to the bus: a refused
PutEvents fails its record and the queue's retry announces it again, each person emailed once.
Faults are injected into the real PutEvents call (moto answers the rest)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from tests.integration.bus_faults import BusDown
from tests.integration.registration_steps import change_event, create_event, organiser, register
from tests.integration.reports_steps import SECTIONS, registered, reports_to, run_status, save_sections, start_run
from tests.integration.subscriptions_steps import subscribed


def _people(client: Any, key: str, pump: Any) -> str:
    """An event with Ada confirmed and Bob waiting, each told so."""
    event_id = create_event(client, key, capacity=1)
    register(client, event_id, "ada@example.com")
    register(client, event_id, "bob@example.com")
    pump.drain()
    return event_id


def _subjects(outbox: Any, email: str, start: str) -> list[str]:
    return [m["subject"] for m in outbox.messages_to(email) if m["subject"].startswith(start)]


def _while_down(pump: Any, down: BusDown) -> None:
    """Run every worker and the relay while the bus refuses, then bring it back and run them again."""
    pump.drain()
    assert down.refused >= 1, "the bus was never asked"
    down.recover()


def test_a_moved_event_reaches_its_people_when_the_bus_fails_after_the_change(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given Ada confirmed and Bob waiting, and a bus that refuses everything from now on
    event_id = _people(client, organiser_key, pump)
    down = BusDown()

    # When the organiser moves the event (answered 200), and the relay tries while the bus is down
    changed = change_event(client, organiser_key, event_id, venue="Ofgem, Glasgow")
    _while_down(pump, down)

    # Then the change was stored, and nobody was told yet
    assert changed["venue"] == "Ofgem, Glasgow" and changed["sequence"] == 1
    assert _subjects(outbox, "ada@example.com", "Changed:") == []

    # When the bus is back: each is told once, Ada with the updated invite
    pump.drain()
    for email in ("ada@example.com", "bob@example.com"):
        assert len(_subjects(outbox, email, "Changed: Event 48")) == 1, email


def test_a_cancelled_event_reaches_its_people_when_the_bus_fails_after_the_cancellation(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)
    down = BusDown()

    response = client.http.post(f"/admin/events/{event_id}/cancel", headers=organiser(organiser_key),
                                body=json.dumps({"message": "The venue flooded."}))
    _while_down(pump, down)

    assert response.status_code == 200 and response.json_body["already"] is False
    assert response.json_body["event"]["cancelled_at"]
    assert _subjects(outbox, "ada@example.com", "Cancelled:") == []
    pump.drain()
    for email in ("ada@example.com", "bob@example.com"):
        assert len(_subjects(outbox, email, "Cancelled: Event 48")) == 1, email


def test_a_message_reaches_its_audience_when_the_bus_fails_after_it_is_stored(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)
    down = BusDown()

    message = {"audience": "all", "subject": "Parking", "markdown": "North car park."}
    response = client.http.post(f"/admin/events/{event_id}/messages", headers=organiser(organiser_key),
                                body=json.dumps(message))
    _while_down(pump, down)

    assert response.status_code == 202, response.body
    assert _subjects(outbox, "ada@example.com", "Parking") == []
    pump.drain()
    for email in ("ada@example.com", "bob@example.com"):
        assert len(_subjects(outbox, email, "Parking")) == 1, email


def test_a_report_run_requested_while_the_bus_is_down_is_sent_once_it_is_back(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a report and two consenting people, and a bus that refuses everything from now on
    event_id = create_event(client, organiser_key)
    save_sections(client, organiser_key, event_id, SECTIONS)
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True})
    down = BusDown()

    # When the organiser starts the run while the bus is down
    response = start_run(client, organiser_key, event_id)
    _while_down(pump, down)

    # Then the run was accepted and waits, and nobody has the report yet
    assert response.status_code == 202, response.body
    run_id = response.json_body["run_id"]
    assert run_status(client, organiser_key, run_id)["status"] == "queued"
    assert reports_to(outbox, "ada@example.com") == []

    # When the bus is back: each has the report once, the run is done, the organiser is told
    pump.drain()
    assert len(reports_to(outbox, "ada@example.com")) == len(reports_to(outbox, "grace@example.org")) == 1
    assert run_status(client, organiser_key, run_id)["status"] == "done"
    assert len(_subjects(outbox, "organiser@example.com", "Report run done")) == 1


def test_the_organisers_hear_a_run_finished_when_the_bus_fails_as_it_finishes(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a run whose every batch goes out, and a bus that refuses just the news that it finished
    event_id = create_event(client, organiser_key)
    save_sections(client, organiser_key, event_id, SECTIONS)
    registered(client, event_id, pump, {"ada@example.com": True})
    down = BusDown(only={"ReportRunFinished"})

    # When the run is sent and finishes while that is refused
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    _while_down(pump, down)

    # Then the run is done and the report went, and the organiser is not told yet
    assert run_status(client, organiser_key, run_id)["status"] == "done"
    assert len(reports_to(outbox, "ada@example.com")) == 1
    assert _subjects(outbox, "organiser@example.com", "Report run") == []

    # When the bus takes it again: the organiser is told once
    pump.drain()
    assert len(_subjects(outbox, "organiser@example.com", "Report run done")) == 1


def test_an_announcement_reaches_the_list_when_the_bus_fails_after_it_is_started(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    subscribed(client, pump, outbox, "ada@example.com")
    event_id = create_event(client, organiser_key, title="Measuring what matters")
    pump.drain()
    down = BusDown()

    response = client.http.post("/admin/announcements",
                                headers={**organiser(organiser_key), "Content-Type": "application/json"},
                                body=json.dumps({"event_id": event_id}))
    _while_down(pump, down)

    assert response.status_code == 202, response.body
    assert _subjects(outbox, "ada@example.com", "Coming up") == []
    pump.drain()
    assert len(_subjects(outbox, "ada@example.com", "Coming up")) == 1


def test_a_new_event_gets_its_reminder_schedule_when_the_bus_fails_after_it_is_created(
        client: Any, organiser_key: str, pump: Any) -> None:
    down = BusDown()

    event_id = create_event(client, organiser_key)
    _while_down(pump, down)

    scheduler = boto3.client("scheduler")
    group = os.environ["SCHEDULER_GROUP"]
    assert not [s for s in scheduler.list_schedules(GroupName=group)["Schedules"] if event_id in s["Name"]]
    pump.drain()
    names = {s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]}
    assert f"reminders-{event_id}" in names


def test_a_repeat_registration_is_reminded_when_the_bus_is_down(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)
    down = BusDown()

    response = register(client, event_id, "ada@example.com")
    _while_down(pump, down)

    assert response.status_code == 202
    before = len(outbox.messages_to("ada@example.com"))
    pump.drain()
    assert len(outbox.messages_to("ada@example.com")) == before + 1


def test_poll_invitations_asked_for_while_the_bus_is_down_go_once_it_is_back(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from tests.integration.polls_steps import invitations, invite, seed_polls

    event_id = _people(client, organiser_key, pump)
    seed_polls(client, organiser_key, event_id)
    down = BusDown()

    response = invite(client, organiser_key, event_id)
    _while_down(pump, down)

    assert response.status_code == 202, response.body
    assert invitations(outbox, "ada@example.com") == []
    pump.drain()
    assert len(invitations(outbox, "ada@example.com")) == 1


# --- fan-outs inside consumers: straight to the bus, retried from their queue ---------------------


def test_a_report_batch_the_bus_refused_is_published_by_the_build_s_retry_and_sent_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: Any) -> None:
    from chalicelib.reports import runs

    # Given three batches of consenting people, and a bus that refuses the first two batch events
    monkeypatch.setattr(runs, "BATCH_SIZE", 2)
    event_id = create_event(client, organiser_key)
    save_sections(client, organiser_key, event_id, SECTIONS)
    people = [f"reader{n}@example.com" for n in range(5)]
    registered(client, event_id, pump, dict.fromkeys(people, True))
    down = BusDown(only={"ReportBatchDue"}, times=2)

    # When the run is built and sent, its build failing and retried from its queue
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()

    # Then each reader has the report once, and the run is done with everyone counted once
    assert down.refused == 2
    assert {person: len(reports_to(outbox, person)) for person in people} == dict.fromkeys(people, 1)
    status = run_status(client, organiser_key, run_id)
    assert (status["status"], status["recipients"], status["sent"]) == ("done", 5, 5)


def test_change_notices_the_bus_refused_are_announced_again_by_the_retry_and_sent_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    event_id = _people(client, organiser_key, pump)
    down = BusDown(only={"EventNoticeDue"}, times=2)

    change_event(client, organiser_key, event_id, venue="Ofgem, Glasgow")
    pump.drain()

    assert down.refused == 2
    for email in ("ada@example.com", "bob@example.com"):
        assert len(_subjects(outbox, email, "Changed: Event 48")) == 1, email
