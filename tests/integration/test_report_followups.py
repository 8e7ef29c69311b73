"""After the report is written: the organisers preview the exact email and send a test to
themselves; after it is sent: a correction goes once to each person it reached, and a retry
reaches the people a run failed or could not confirm, never anyone marked sent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.reports_steps import (
    SECTIONS,
    create_event,
    organiser,
    registered,
    reports_to,
    run_status,
    save_sections,
    start_run,
)

ORGANISER = "organiser@example.com"  # the address behind the tests' organiser key


@pytest.fixture
def event_id(client: Any, organiser_key: str, pump: Any) -> str:
    event_id = create_event(client, organiser_key)
    assert save_sections(client, organiser_key, event_id, SECTIONS).status_code == 200
    registered(client, event_id, pump, {"ada@example.com": True, "grace@example.org": True,
                                        "alan@example.net": False})
    return event_id


def sent(client: Any, key: str, event_id: str, pump: Any, headers: dict[str, str] | None = None,
         **options: Any) -> str:
    response = start_run(client, key, event_id, headers=headers, **options)
    assert response.status_code == 202, response.body
    pump.drain()
    return str(response.json_body["run_id"])


def retry(client: Any, key: str, run_id: str, pump: Any, headers: dict[str, str] | None = None) -> Any:
    response = client.http.post(f"/admin/report-runs/{run_id}/retry", headers={**organiser(key), **(headers or {})},
                                body="{}")
    pump.drain()
    return response


# --- preview and test send -------------------------------------------------------------------------


def test_the_preview_is_the_email_as_it_would_be_sent_and_sends_nothing(
    client: Any, organiser_key: str, event_id: str, outbox: Any
) -> None:
    response = client.http.get(f"/admin/events/{event_id}/report/preview", headers=organiser(organiser_key))

    assert response.status_code == 200, response.body
    preview = response.json_body
    assert preview["subject"] == "Event 48 \N{EN DASH} Communities of Practice: the summary report"
    assert preview["to"] == ORGANISER
    assert "<strong>Close Brothers</strong>" in preview["html"] and "<!doctype html>" in preview["html"]
    assert "Panel and workshops\n-------------------" in preview["text"]
    assert "/u/preview-only-link" in preview["text"]
    assert preview["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert outbox.messages() == []


def test_a_test_send_goes_to_the_organiser_alone_and_leaves_the_real_run_possible(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    run_id = sent(client, organiser_key, event_id, pump, test_send=True)

    [test] = reports_to(outbox, ORGANISER)
    assert test["subject"].startswith("[Test] ")
    assert reports_to(outbox, "ada@example.com") == []
    assert run_status(client, organiser_key, run_id)["test_recipient"] == ORGANISER
    sent(client, organiser_key, event_id, pump)
    assert len(reports_to(outbox, "ada@example.com")) == 1


def test_test_send_and_test_recipient_are_one_or_the_other(client: Any, organiser_key: str, event_id: str) -> None:
    response = start_run(client, organiser_key, event_id, test_send=True, test_recipient="me@example.com")

    assert response.status_code == 400
    assert set(response.json_body["errors"]) == {"test_send"}


# --- corrections ----------------------------------------------------------------------------------


def test_a_correction_goes_once_to_each_person_the_report_reached_and_updates_the_web_version(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given the report went to Ada and Grace (Alan did not consent), and Kath registered since
    original_run = sent(client, organiser_key, event_id, pump)
    registered(client, event_id, pump, {"kath@example.com": True})
    # When the organisers fix a section and send a correction, twice with the same key
    fixed = [{"title": "Panel and workshops", "markdown": "Thank you to **Close Brothers plc** for hosting."}]
    assert save_sections(client, organiser_key, event_id, fixed).status_code == 200
    key = {"Idempotency-Key": "correction-1"}
    correction = sent(client, organiser_key, event_id, pump, headers=key, correction=True)
    again = sent(client, organiser_key, event_id, pump, headers=key, correction=True)

    # Then Ada and Grace have one correction each, and nobody else has one
    assert again == correction
    for person in ("ada@example.com", "grace@example.org"):
        original, corrected = sorted(reports_to(outbox, person), key=lambda m: m["subject"].startswith("Corr"))
        assert corrected["subject"] == "Correction: Event 48 \N{EN DASH} Communities of Practice: the summary report"
        assert "corrected copy" in corrected["text"] and "Close Brothers plc" in corrected["html"]
        assert "Close Brothers plc" not in original["html"]
    assert reports_to(outbox, "alan@example.net") == []
    assert reports_to(outbox, "kath@example.com") == []
    status = run_status(client, organiser_key, correction)
    assert (status["status"], status["recipients"], status["sent"]) == ("done", 2, 2)
    assert status["correction_of"] == original_run
    # And the web version shows the corrected report
    assert "Close Brothers plc" in client.http.get(f"/reports/{event_id}").body.decode()


def test_nothing_to_correct_before_the_report_is_sent(client: Any, organiser_key: str, event_id: str) -> None:
    response = start_run(client, organiser_key, event_id, correction=True)

    assert response.status_code == 409
    assert set(response.json_body["errors"]) == {"correction"}


# --- retries ----------------------------------------------------------------------------------------


def _as_if(run_id: str, email: str, outcome: str, **more: Any) -> None:
    from chalicelib.core import keys, store

    expression = "SET outcome = :outcome" + "".join(f", {name} = :{name}" for name in more)
    store.update(keys.report_delivery(run_id, email), expression,
                 vals={":outcome": outcome, **{f":{name}": value for name, value in more.items()}})


def test_a_retry_reaches_the_failed_and_uncertain_never_anyone_sent(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    # Given a run that reached Ada and Kath, failed Grace, and could not confirm Lin's send
    registered(client, event_id, pump, {"kath@example.com": True, "lin@example.com": True})
    run_id = sent(client, organiser_key, event_id, pump)
    _as_if(run_id, "grace@example.org", "failed")
    _as_if(run_id, "lin@example.com", "failed", unconfirmed=True)
    before = {person: len(reports_to(outbox, person)) for person in
              ("ada@example.com", "kath@example.com", "grace@example.org", "lin@example.com")}

    # When the organisers retry the run, and then retry it (and the retry) again
    first = retry(client, organiser_key, run_id, pump)
    second = retry(client, organiser_key, run_id, pump)
    third = retry(client, organiser_key, first.json_body["run_id"], pump)

    # Then Grace and Lin got one more copy each, Ada and Kath none
    assert first.status_code == 202, first.body
    after = {person: len(reports_to(outbox, person)) for person in before}
    assert after == {"ada@example.com": 1, "kath@example.com": 1, "grace@example.org": 2, "lin@example.com": 2}
    first_status = run_status(client, organiser_key, first.json_body["run_id"])
    assert (first_status["status"], first_status["recipients"], first_status["sent"]) == ("done", 2, 2)
    assert first_status["retry_of"] == run_id
    # And the later retries found nobody left to reach
    for later in (second, third):
        status = run_status(client, organiser_key, later.json_body["run_id"])
        assert (status["status"], status["recipients"], status["sent"]) == ("done", 0, 0)


def test_two_retries_at_once_reach_each_person_once(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    run_id = sent(client, organiser_key, event_id, pump)
    _as_if(run_id, "grace@example.org", "failed")

    # Two retries queued before either is delivered
    for key in ("a", "b"):
        response = client.http.post(f"/admin/report-runs/{run_id}/retry",
                                    headers={**organiser(organiser_key), "Idempotency-Key": key}, body="{}")
        assert response.status_code == 202
    pump.drain()

    assert len(reports_to(outbox, "grace@example.org")) == 2
    assert len(reports_to(outbox, "ada@example.com")) == 1


def test_a_dry_run_or_an_unknown_run_has_nothing_to_retry(
    client: Any, organiser_key: str, event_id: str, pump: Any
) -> None:
    dry = sent(client, organiser_key, event_id, pump, dry_run=True)

    assert retry(client, organiser_key, dry, pump).status_code == 409
    assert retry(client, organiser_key, "0123456789abcdef", pump).status_code == 404
    response = client.http.post(f"/admin/report-runs/{dry}/retry", headers=organiser(organiser_key),
                                body=json.dumps({"everyone": True}))
    assert response.status_code == 400


# --- automation ---------------------------------------------------------------------------------


def counts_emails(outbox: Any) -> list[dict[str, Any]]:
    return [m for m in outbox.messages_to(ORGANISER) if m["subject"].startswith("Report ")]


def put_settings(client: Any, key: str, event_id: str, **settings: Any) -> Any:
    response = client.http.put(f"/admin/events/{event_id}/report", headers=organiser(key),
                               body=json.dumps({"sections": SECTIONS, **settings}))
    assert response.status_code == 200, response.body
    return response.json_body


def test_a_ready_report_is_sent_by_itself_days_after_the_event(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from datetime import datetime

    # Given the report marked ready, to go three days after the event ends (16:00 on 9 March 2030)
    report = put_settings(client, organiser_key, event_id, ready=True, send_after_days=3)
    assert report["auto_send_at"] == "2030-03-12T16:00:00"

    # When the day before comes, nothing is sent; when the time comes, the run starts by itself
    pump.drain(now=datetime.fromisoformat("2030-03-11T16:00:00+00:00"))
    assert reports_to(outbox, "ada@example.com") == []
    pump.drain(now=datetime.fromisoformat("2030-03-12T16:00:01+00:00"))

    # Then Ada and Grace have it once, and the organisers have the run's counts
    assert len(reports_to(outbox, "ada@example.com")) == 1 and len(reports_to(outbox, "grace@example.org")) == 1
    [counts] = counts_emails(outbox)
    assert counts["subject"] == "Report run done: Event 48 \N{EN DASH} Communities of Practice"
    assert "Sent: 2" in counts["text"] and "Skipped (no consent, or unsubscribed): 1" in counts["text"]
    assert "asked for by schedule" in counts["text"]
    # And a later manual run is refused as a second real run
    assert start_run(client, organiser_key, event_id).status_code == 409


def test_unmarking_ready_cancels_the_automatic_run(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from datetime import datetime

    put_settings(client, organiser_key, event_id, ready=True, send_after_days=0)
    report = put_settings(client, organiser_key, event_id, ready=False)

    pump.drain(now=datetime.fromisoformat("2030-04-01T00:00:00+00:00"))

    assert report["auto_send_at"] is None and report["send_after_days"] == 0
    assert reports_to(outbox, "ada@example.com") == []


def test_organisers_are_emailed_the_counts_of_a_dry_run_once(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    sent(client, organiser_key, event_id, pump, dry_run=True)
    pump.drain()

    [counts] = counts_emails(outbox)
    assert counts["subject"].startswith("Report dry run done: ")
    assert "Would be sent: 2" in counts["text"]


@pytest.mark.parametrize("days", [-1, 61, "soon", 1.5])
def test_send_after_days_is_a_number_of_days(client: Any, organiser_key: str, event_id: str, days: Any) -> None:
    response = client.http.put(f"/admin/events/{event_id}/report", headers=organiser(organiser_key),
                               body=json.dumps({"sections": [], "send_after_days": days}))

    assert response.status_code == 400
    assert set(response.json_body["errors"]) == {"send_after_days"}


def test_a_finished_run_delivered_twice_emails_each_organiser_once(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from app import app
    from chalicelib.core.auth import add_organiser
    from clubflow.dev.pump import LocalContext
    from tests.conftest import sample_event
    from tests.integration.registration_steps import with_detail

    # Given a second organiser, and a finished run whose counts went out
    add_organiser("second@example.com")
    run_id = sent(client, organiser_key, event_id, pump, dry_run=True)
    assert len(counts_emails(outbox)) == 1

    # When the ReportRunFinished message arrives again
    handler = app.handler_map["send_reports"]
    answer = handler(with_detail(sample_event("sqs_report_run_finished.json"), event_id=event_id, run_id=run_id),
                     LocalContext("send_reports"))

    # Then nobody hears twice
    assert answer == {"batchItemFailures": []}
    assert len(counts_emails(outbox)) == 1
    assert len([m for m in outbox.messages_to("second@example.com") if m["subject"].startswith("Report ")]) == 1


def test_the_automatic_run_follows_the_event_when_it_moves(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any
) -> None:
    from datetime import datetime

    put_settings(client, organiser_key, event_id, ready=True, send_after_days=3)

    # When the event moves a week later
    moved = client.http.patch(f"/admin/events/{event_id}", headers=organiser(organiser_key), body=json.dumps(
        {"starts_at": "2030-03-16T10:00:00+00:00", "ends_at": "2030-03-16T16:00:00+00:00"}))
    assert moved.status_code == 200, moved.body
    pump.drain()
    pump.drain(now=datetime.fromisoformat("2030-03-13T00:00:00+00:00"))

    # Then the report waits for three days after the new end
    shown = client.http.get(f"/admin/events/{event_id}/report", headers=organiser(organiser_key)).json_body
    assert shown["auto_send_at"] == "2030-03-19T16:00:00"
    assert reports_to(outbox, "ada@example.com") == []
    pump.drain(now=datetime.fromisoformat("2030-03-19T16:00:01+00:00"))
    assert len(reports_to(outbox, "ada@example.com")) == 1


def _automatic_schedule(deployed: Any, event_id: str) -> dict[str, Any] | None:
    import boto3

    scheduler = boto3.client("scheduler")
    try:
        return dict(scheduler.get_schedule(Name=f"report-{event_id}",
                                           GroupName=deployed.environment["SCHEDULER_GROUP"]))
    except scheduler.exceptions.ResourceNotFoundException:
        return None


def _move(client: Any, key: str, event_id: str, day: str) -> None:
    moved = client.http.patch(f"/admin/events/{event_id}", headers=organiser(key), body=json.dumps(
        {"starts_at": f"{day}T10:00:00+00:00", "ends_at": f"{day}T16:00:00+00:00"}))
    assert moved.status_code == 200, moved.body


def test_a_lost_automatic_schedule_is_set_again_when_the_event_moves(
    client: Any, organiser_key: str, event_id: str, pump: Any, deployed: Any
) -> None:
    import boto3

    # Given a ready report whose schedule has gone (removed by hand in the console, say)
    put_settings(client, organiser_key, event_id, ready=True, send_after_days=3)
    boto3.client("scheduler").delete_schedule(Name=f"report-{event_id}",
                                              GroupName=deployed.environment["SCHEDULER_GROUP"])

    # When the event moves
    _move(client, organiser_key, event_id, "2030-03-16")
    pump.drain()

    # Then the report's run is scheduled again, three days after the new end
    schedule = _automatic_schedule(deployed, event_id)
    assert schedule is not None and schedule["ScheduleExpression"] == "at(2030-03-19T16:00:00)"


def test_a_report_sent_by_hand_leaves_no_automatic_run_once_the_event_moves(
    client: Any, organiser_key: str, event_id: str, pump: Any, outbox: Any, deployed: Any
) -> None:
    # Given a ready report, sent by hand before its time
    put_settings(client, organiser_key, event_id, ready=True, send_after_days=3)
    sent(client, organiser_key, event_id, pump, dry_run=False)

    # When the event moves
    _move(client, organiser_key, event_id, "2030-03-16")
    pump.drain()

    # Then no schedule is left to start a second run, and each person has the report once
    assert _automatic_schedule(deployed, event_id) is None
    assert len(reports_to(outbox, "ada@example.com")) == 1
