"""`clubflow dlq list|redrive` against the stack deployed in moto (as `sam deploy` makes it)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from clubflow.cli import main


def _arn(url: str) -> str:
    return str(boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"])


def test_failed_messages_are_listed_and_moved_back_to_be_handled(
        deployed: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sqs = boto3.client("sqs")
    urls = deployed.queue_urls
    # Given a nomination's mail that failed five times, and an event its rule could not deliver
    confirmed = {"version": "0", "id": "e-1", "source": "clubflow", "detail-type": "NominationReceived",
                 "detail": {"nomination_id": "gone"}}
    sqs.send_message(QueueUrl=urls["NominationsDeadLetterQueue"], MessageBody=json.dumps(confirmed))
    sqs.send_message(QueueUrl=urls["EventDeliveryDeadLetterQueue"], MessageBody=json.dumps(confirmed),
                     MessageAttributes={"TARGET_ARN": {"DataType": "String",
                                                       "StringValue": _arn(urls["NominationsQueue"])},
                                        "ERROR_CODE": {"DataType": "String", "StringValue": "SQS.AccessDenied"}})

    # When the organiser lists the dead-letter queues
    assert main(["dlq", "list", "--json", "--stack", deployed.stack_name]) == 0
    listed = {row["queue"]: row for row in json.loads(capsys.readouterr().out)}

    # Then each shows what waits and where it goes back
    assert listed["NominationsDeadLetterQueue"]["waiting"] == 1
    assert listed["NominationsDeadLetterQueue"]["back_to"] == urls["NominationsQueue"].rsplit("/", 1)[-1]
    assert listed["EventDeliveryDeadLetterQueue"]["waiting"] == 1
    assert {row["waiting"] for name, row in listed.items() if name not in (
        "NominationsDeadLetterQueue", "EventDeliveryDeadLetterQueue")} == {0}
    assert len(listed) == sum(1 for name in urls if "DeadLetter" in name)

    # When they are redriven
    assert main(["dlq", "redrive", "--stack", deployed.stack_name]) == 0
    assert "2 message(s) moved back" in capsys.readouterr().out

    # Then both wait in the nominations queue again, and the dead-letter queues are empty
    back = sqs.receive_message(QueueUrl=urls["NominationsQueue"], MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["detail"] for m in back] == [{"nomination_id": "gone"}] * 2
    for name in ("NominationsDeadLetterQueue", "EventDeliveryDeadLetterQueue"):
        assert "Messages" not in sqs.receive_message(QueueUrl=urls[name], WaitTimeSeconds=0)


def test_an_unknown_queue_is_named(deployed: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dlq", "redrive", "NoSuchQueue", "--stack", deployed.stack_name]) != 0
    assert "no dead-letter queue 'NoSuchQueue'" in capsys.readouterr().err


def test_an_event_for_no_queue_is_left_in_place(deployed: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sqs = boto3.client("sqs")
    url = deployed.queue_urls["EventDeliveryDeadLetterQueue"]
    sqs.send_message(QueueUrl=url, MessageBody="{}", MessageAttributes={
        "TARGET_ARN": {"DataType": "String", "StringValue": deployed.environment["BUS_ARN"]}})

    assert main(["dlq", "redrive", "EventDeliveryDeadLetterQueue", "--stack", deployed.stack_name]) == 0

    assert "1 left (no queue to return to)" in capsys.readouterr().out
