"""What every SQS consumer does for itself, called as Lambda calls it (its own module's handler,
no app middleware): a failed record is logged with its traceback under its message id, and each
send keeps an idempotency record of its own."""

from __future__ import annotations

import copy
import importlib
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import sample_event
from tests.integration.registration_steps import create_event, register


def _lambda_handler(path: str) -> Any:
    """The handler the packaged template names (module.function), called with a Lambda context."""
    from clubflow.dev.pump import LocalContext

    module, _, name = path.rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    return lambda event: handler(event, LocalContext(name))


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """The JSON lines the Powertools logger writes, as it writes them (with its appended keys)."""
    from chalicelib.core.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    yield stream
    logging.getLogger(logger.name).removeHandler(handler)  # Powertools exposes addHandler only


def test_a_failed_record_is_logged_with_its_traceback_and_message_id(
        deployed: Any, monkeypatch: pytest.MonkeyPatch, logged: io.StringIO) -> None:
    # Given a batch of two schedule changes, the first of which the scheduler refuses
    from chalicelib.registration import reminders

    batch = sample_event("sqs_event_scheduled.json")
    second = copy.deepcopy(batch["Records"][0])
    second["messageId"] = "1a2b3c4d-5e6f-4071-8293-a4b5c6d70099"
    envelope = json.loads(second["body"])
    envelope["detail"]["event_id"] = "another-event"
    second["body"] = json.dumps(envelope)
    batch["Records"].append(second)
    failing_id = batch["Records"][0]["messageId"]
    planned: list[str] = []

    def plan(event_id: str, starts_at: str) -> None:
        if event_id != "another-event":
            raise RuntimeError("scheduler unavailable")
        planned.append(event_id)

    monkeypatch.setattr(reminders, "plan_reminders", plan)

    # When the consumer's own handler runs the batch
    result = _lambda_handler("chalicelib.registration.worker.follow_event_changes")(batch)

    # Then only the first is reported for retry, and an ERROR line carries its id and traceback
    assert result == {"batchItemFailures": [{"itemIdentifier": failing_id}]}
    assert planned == ["another-event"]
    lines = [json.loads(line) for line in logged.getvalue().splitlines()]
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["correlation_id"] == failing_id
    assert error["detail_type"] == "EventScheduled"
    assert "Traceback" in error["exception"] and "scheduler unavailable" in error["exception"]


def test_each_send_has_its_own_delivery_record_and_a_redelivery_sends_nothing_more(
        client: Any, organiser_key: str, outbox: Any) -> None:
    # Given two people registered (their confirmations are queued)
    from chalicelib.core import aws
    from chalicelib.core.settings import get_settings
    from chalicelib.registration import service

    event_id = create_event(client, organiser_key)
    people = ("ada@example.com", "grace@example.org")
    batch = sample_event("sqs_registration_confirmed.json")
    for email, record in zip(people, batch["Records"], strict=True):
        register(client, event_id, email)
        registration = service.get_registration(event_id, email)
        assert registration is not None
        envelope = json.loads(record["body"])
        envelope["detail"].update(event_id=event_id, email=email,
                                  registration_id=registration["registration_id"])
        record["body"] = json.dumps(envelope)
    send = _lambda_handler("chalicelib.registration.worker.send_registration_mail")
    written: list[str] = []

    def record_key(params: dict[str, Any], **_: Any) -> None:
        written.append(params.get("Item", {}).get("pk", {}).get("S", ""))

    aws.dynamodb().meta.events.register("provide-client-params.dynamodb.PutItem", record_key)

    # When SQS delivers the batch twice
    assert send(batch) == {"batchItemFailures": []}
    assert send(batch) == {"batchItemFailures": []}

    # Then each person has one email, and each send one record in a partition of its own
    assert [len(outbox.messages_to(email)) for email in people] == [1, 1]
    partitions = sorted({pk for pk in written if pk.startswith("DELIVERY#")})
    assert len(partitions) == 2
    for pk in partitions:
        item = aws.dynamodb().get_item(TableName=get_settings().table_name,
                                       Key={"pk": {"S": pk}, "sk": {"S": "DELIVERY"}})["Item"]
        assert (item["name"]["S"], item["outcome"]["S"]) == ("registration_confirmed", "sent")
