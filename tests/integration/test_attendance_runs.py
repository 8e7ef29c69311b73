"""A sign-in sheet of 2,000 addresses is accepted at once (202) and marked through the bus in
chunks, with progress to follow; a chunk delivered twice changes nothing twice."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.integration.registration_steps import counts, create_event, organiser

REGISTERED = 1_600
SHEET = 2_000  # 1,500 registered people and 500 strangers
CAME = [f"came{n:04d}@example.com" for n in range(1_500)]
STRANGERS = [f"stranger{n:03d}@example.com" for n in range(500)]


def _registered(deployed: Any, event_id: str, emails: list[str]) -> None:
    """Confirmed registrations, stored as registering stores them (without the 1,600 emails)."""
    from chalicelib.core import keys

    table = boto3.resource("dynamodb").Table(deployed.environment["TABLE_NAME"])
    with table.batch_writer() as batch:
        for n, email in enumerate(emails):
            batch.put_item(Item={
                **keys.registration(event_id, email), **keys.person_registration(email, event_id),
                "event_id": event_id, "registration_id": f"r{n:015d}", "email": email, "name": "A Person",
                "organisation": "", "job_title": "", "needs": "", "consent_report": False,
                "consent_updates": False, "registered_at": "2026-01-01T09:00:00+00:00", "attended": False,
                "status": "confirmed", "confirmed_at": "2026-01-01T09:00:00+00:00"})
    table.update_item(Key=keys.event(event_id), UpdateExpression="SET confirmed = :n",
                      ExpressionAttributeValues={":n": len(emails)})


@pytest.fixture
def event_id(client: Any, organiser_key: str, deployed: Any, pump: Any) -> str:
    event_id = create_event(client, organiser_key, capacity=REGISTERED)
    _registered(deployed, event_id, CAME + [f"absent{n:03d}@example.com" for n in range(REGISTERED - len(CAME))])
    pump.drain()  # the event's own announcements: the queues hold nothing else when the test starts
    return event_id


def _post(client: Any, key: str, event_id: str, emails: list[str]) -> Any:
    return client.http.post(f"/admin/events/{event_id}/attendance", headers=organiser(key),
                            body=json.dumps({"emails": emails}))


def _run(client: Any, key: str, run_id: str) -> dict[str, Any]:
    response = client.http.get(f"/admin/attendance-runs/{run_id}", headers=organiser(key))
    assert response.status_code == 200, response.body
    return dict(response.json_body)


def _consumer(pump: Any) -> Any:
    return next(c for c in pump.consumers if c.name == "follow_event_changes")


def test_two_thousand_addresses_are_accepted_at_once_and_marked_in_chunks(
        client: Any, organiser_key: str, event_id: str, pump: Any, aws_calls: Any) -> None:
    # Given a sheet of 2,000 addresses, 20 of whom were marked at the door already
    assert _post(client, organiser_key, event_id, CAME[:20]).status_code == 200
    sheet = CAME + STRANGERS
    assert len(sheet) == SHEET

    # When the organiser sends it
    before = len(aws_calls.calls)
    started = time.perf_counter()
    response = _post(client, organiser_key, event_id, sheet)
    elapsed = time.perf_counter() - started
    during = aws_calls.calls[before:]

    # Then it is accepted at once: one transaction stores the run and its 40 chunks
    assert response.status_code == 202, response.body
    run_id = response.json_body["run_id"]
    assert response.headers["Location"] == f"/admin/attendance-runs/{run_id}"
    assert response.json_body["status"] == "queued" and response.json_body["done"] is False
    assert response.json_body["total"] == SHEET
    assert during.count(("dynamodb", "TransactWriteItems")) == 1
    assert ("dynamodb", "UpdateItem") not in during
    print(f"\n2,000 addresses accepted in {elapsed * 1000:.0f} ms with {len(during)} AWS requests")
    assert counts(client, organiser_key, event_id)["attended"] == 20

    # When the first ten chunks are marked
    while pump.relay_outbox():
        pass
    assert pump.deliver_once(_consumer(pump)) == 10

    # Then the run shows its progress
    halfway = _run(client, organiser_key, run_id)
    assert halfway["status"] == "marking" and halfway["done"] is False
    assert halfway["chunks_done"] == 10 and halfway["chunks"] == 40

    # When the rest is marked
    started = time.perf_counter()
    pump.drain()
    print(f"40 chunks marked in {time.perf_counter() - started:.1f} s")

    # Then every registered person on the sheet is marked once, and the strangers are named
    done = _run(client, organiser_key, run_id)
    assert done["status"] == "done" and done["done"] is True and done["finished_at"]
    assert (done["total"], done["marked"], done["already"], done["unknown"]) == (SHEET, 1_480, 20, 500)
    assert done["unknown_emails"] == STRANGERS
    assert counts(client, organiser_key, event_id)["attended"] == 1_500


def test_a_chunk_delivered_twice_changes_nothing_twice(
        client: Any, organiser_key: str, event_id: str, pump: Any) -> None:
    from chalicelib.registration import service
    from clubflow.dev.pump import LocalContext, _sqs_event

    # Given a queued run whose chunks are on the queue
    sheet = CAME[:150] + STRANGERS[:50]
    run_id = _post(client, organiser_key, event_id, sheet).json_body["run_id"]
    while pump.relay_outbox():
        pass
    consumer = _consumer(pump)
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=consumer.queue_url, MaxNumberOfMessages=10,
                                   AttributeNames=["All"], VisibilityTimeout=0)["Messages"]
    assert len(messages) == 4
    # And the first delivery of the first chunk crashed after marking ten people, before counting
    first = json.loads(messages[0]["Body"])["detail"]
    service.mark_attended(event_id, first["emails"][:10], run_id=run_id)

    # When each chunk is delivered (the same messages a second time) and the queue drained
    handler = pump.app.handler_map[consumer.name]
    assert handler(_sqs_event(messages, consumer.queue_arn), LocalContext(consumer.name)) == {"batchItemFailures": []}
    after_first = _run(client, organiser_key, run_id)
    pump.drain()

    # Then each person counts once, on the event and on the run, and the run is done
    done = _run(client, organiser_key, run_id)
    assert after_first["done"] is True and done == after_first
    assert (done["marked"], done["already"], done["unknown"]) == (150, 0, 50)
    assert counts(client, organiser_key, event_id)["attended"] == 150


def test_a_short_list_is_still_answered_at_once(client: Any, organiser_key: str, event_id: str) -> None:
    response = _post(client, organiser_key, event_id, [*CAME[:100], CAME[0].upper()])  # 100 distinct

    assert response.status_code == 200
    assert len(response.json_body["marked"]) == 100


def test_an_unknown_run_is_a_404(client: Any, organiser_key: str, deployed: Any) -> None:
    response = client.http.get("/admin/attendance-runs/nope", headers=organiser(organiser_key))

    assert response.status_code == 404


def test_the_command_line_follows_a_long_sign_in_sheet_to_done(
        client: Any, organiser_key: str, event_id: str, pump: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clubflow.commands import attendance
    from tests.integration.cli_steps import Cli

    # Given a sign-in sheet of 2,000 rows, and a CLI whose every look at the run finds a little
    # more of it marked (the pump delivers one batch of chunks in between, as the workers would)
    sheet = tmp_path / "sign-in.csv"
    sheet.write_text("Name,Email\n" + "".join(f"Someone,{email}\n" for email in CAME + STRANGERS),
                     encoding="utf-8-sig")
    cli = Cli(client, organiser_key, monkeypatch)
    asked = cli._request

    def request(method: str, url: str, **kwargs: Any) -> Any:
        if "/admin/attendance-runs/" in url:
            while pump.relay_outbox():
                pass
            pump.deliver_once(_consumer(pump))
        return asked(method, url, **kwargs)

    monkeypatch.setattr("clubflow.api.requests.request", request)
    monkeypatch.setattr(attendance, "POLL_SECONDS", 0)

    # When the organiser marks attendance from it
    ran = cli("attendance", "mark", event_id, "--csv", str(sheet))

    # Then the progress shows on stderr up to done, and the totals and the strangers are printed
    assert ran.code == 0, ran.err
    progress = [line for line in ran.err.splitlines() if line.startswith("attendance run")]
    assert len(progress) >= 4  # one line per batch of ten chunks marked, the last one done
    assert progress[-1].endswith(": done; 2000 of 2000 addresses: 1500 marked, 0 already marked, "
                                 "500 not registered")
    assert "Marked 1500 as attended; 0 already marked." in ran.out
    assert "stranger000@example.com" in ran.err and "stranger499@example.com" in ran.err
    assert counts(client, organiser_key, event_id)["attended"] == 1_500
