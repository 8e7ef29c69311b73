"""Rare paths whose AWS calls the deployed roles must allow: each is exercised here, as Lambda
calls the handler, so the permission trace (tests/permissions.py) sees the call and keeps it."""

from __future__ import annotations

import importlib
import json
from typing import Any

import boto3
import pytest

from tests.conftest import sample_event
from tests.integration.worker_faults import deliver, delivery_of, first_send_fails

CONSUMERS = {
    "chalicelib.registration.worker.follow_event_changes": "reminders-{}",
    "chalicelib.polls.worker.send_poll_invitations": "poll-invitations-{}",
}


def _as_lambda(path: str) -> Any:
    from clubflow.dev.pump import LocalContext

    module, _, name = path.rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    return lambda event: handler(event, LocalContext(name))


def _scheduled(event_id: str, starts_at: str, ends_at: str) -> dict[str, Any]:
    batch = sample_event("sqs_event_scheduled.json")
    record = batch["Records"][0]
    envelope = json.loads(record["body"])
    envelope["detail"].update(event_id=event_id, starts_at=starts_at, ends_at=ends_at)
    record["body"] = json.dumps(envelope)
    record["messageId"] = f"{event_id}-{starts_at}"
    return dict(batch)


@pytest.mark.parametrize("handler", sorted(CONSUMERS))
def test_an_event_moved_into_the_past_loses_its_schedule(deployed: Any, handler: str) -> None:
    # Given an event whose schedule was set
    consume = _as_lambda(handler)
    name = CONSUMERS[handler].format("moved-back")
    assert consume(_scheduled("moved-back", "2030-03-09T10:00:00+00:00", "2030-03-09T16:00:00+00:00")) == {
        "batchItemFailures": []}
    scheduler = boto3.client("scheduler")
    group = deployed.environment["SCHEDULER_GROUP"]
    assert scheduler.get_schedule(Name=name, GroupName=group)["Name"] == name

    # When it is moved to a time already past
    result = consume(_scheduled("moved-back", "2020-03-09T10:00:00+00:00", "2020-03-09T16:00:00+00:00"))

    # Then its schedule is deleted
    assert result == {"batchItemFailures": []}
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name=name, GroupName=group)


# Registration mail claims each email itself (core/deliveries.py): tests/integration/test_mail_faults.py
# has SES refuse its sends and finds them sent once after.
SENDS = {
    "chalicelib.slides.worker.send_slide_links": "sqs_slides_requested.json",
    "chalicelib.topics.worker.send_topic_links": "sqs_topic_suggested.json",
    "chalicelib.polls.worker.send_poll_invitations": "sqs_poll_invitation_due.json",
    "chalicelib.reports.worker.send_reports": "sqs_report_run_requested.json",
}


@pytest.mark.parametrize("handler", sorted(SENDS))
def test_a_failed_send_leaves_no_claim_behind_and_its_redelivery_runs_it(
        deployed: Any, handler: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a consumer whose guarded action fails once (SES down, say)
    ran = first_send_fails(monkeypatch, then_send=False)
    batch = sample_event(SENDS[handler])
    del batch["Records"][1:]
    consume = _as_lambda(handler)

    # When the record is delivered, fails, and is delivered again
    first, second = (deliver(consume, batch) for _ in range(2))

    # Then the first is retried, and the retry runs the action again (its claim was removed)
    assert first == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert second == {"batchItemFailures": []}
    assert len(ran) == 2 and ran[0] == ran[1]


def test_a_failed_nomination_email_leaves_no_claim_behind(
        client: Any, aws_calls: Any, pump: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a real nomination, whose acknowledgement fails once
    response = client.http.post("/nominations", headers={"Content-Type": "application/json",
                                                          "Accept": "application/json"},
                                body=json.dumps({"organisation": "Least Org", "contact_name": "Ada",
                                                 "email": "ada@example.org", "city": "Leeds", "venue": "Hall 1",
                                                 "capacity": 40}))
    assert response.status_code == 202, response.body
    pump.relay_outbox()  # the nomination's event is stored with it; the relay puts it on the bus
    batch = delivery_of(aws_calls, "NominationReceived", "sqs_nomination_received.json")
    ran = first_send_fails(monkeypatch)
    consume = _as_lambda("chalicelib.nominations.worker.send_nomination_mail")

    # When it is delivered, fails, and is delivered again
    first, second = (deliver(consume, batch) for _ in range(2))

    # Then the retry runs the acknowledgement again
    assert first == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert second == {"batchItemFailures": []}
    assert ran[:2] == ["acknowledge_nomination", "acknowledge_nomination"]


def test_a_failed_link_to_join_the_list_leaves_no_claim_behind(
        client: Any, aws_calls: Any, pump: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a request to join the list, whose emailed link fails once
    response = client.http.post("/subscriptions", headers={"Content-Type": "application/json",
                                                            "Accept": "application/json"},
                                body=json.dumps({"email": "ada@example.org"}))
    assert response.status_code == 202, response.body
    pump.relay_outbox()
    batch = delivery_of(aws_calls, "SubscriptionRequested", "sqs_subscription_requested.json")
    ran = first_send_fails(monkeypatch)
    consume = _as_lambda("chalicelib.subscriptions.worker.send_subscription_links")

    # When it is delivered, fails, and is delivered again
    first, second = (deliver(consume, batch) for _ in range(2))

    # Then the retry sends the link after all
    assert first == {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert second == {"batchItemFailures": []}
    assert ran == ["send_subscription_confirmation", "send_subscription_confirmation"]
