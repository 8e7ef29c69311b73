"""The local stack's journal, replayed into a fresh moto as after `kill -9`: writes come back,
a message received before the kill can still be deleted with its receipt handle, and an entry
cut off mid-write is dropped rather than failing the start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.backends import get_backend

from clubflow.dev.persistence import SERVICES, Store
from clubflow.dev.stack import MotoServer

REGION = "eu-west-2"


def forget_everything() -> None:
    """What a killed process loses: moto's memory."""
    for name in SERVICES:
        get_backend(name).reset()  # type: ignore[call-overload]


class Running:
    def __init__(self, folder: Path) -> None:
        self.store = Store(folder)
        self.server = MotoServer(state=self.store, region=REGION)
        self.server.start()

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.server.url, region_name=REGION,  # type: ignore[call-overload]
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def killed(self) -> None:
        """Stop without the clean stop's snapshot, and lose moto's memory."""
        self.server.stop()
        self.store.close()
        forget_everything()


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    forget_everything()
    yield tmp_path / "state"
    forget_everything()


def test_writes_and_a_received_message_come_back_after_a_kill(folder: Path) -> None:
    first = Running(folder)
    dynamodb, sqs = first.client("dynamodb"), first.client("sqs")
    dynamodb.create_table(TableName="kept", BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    dynamodb.put_item(TableName="kept", Item={"pk": {"S": "event-48"}, "title": {"S": "Communities"}})
    queue = sqs.create_queue(QueueName="work")["QueueUrl"]
    sent = sqs.send_message(QueueUrl=queue, MessageBody="batch 1")["MessageId"]
    sqs.send_message(QueueUrl=queue, MessageBody="batch 2")
    [received] = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)["Messages"]
    first.killed()

    second = Running(folder)
    try:
        assert second.server.restored is not None and second.server.restored.requests > 0
        dynamodb, sqs = second.client("dynamodb"), second.client("sqs")
        item = dynamodb.get_item(TableName="kept", Key={"pk": {"S": "event-48"}})["Item"]
        assert item["title"] == {"S": "Communities"}
        # The same ids as before the kill, and the old receipt handle still deletes its message
        assert received["MessageId"] == sent
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=received["ReceiptHandle"])
        left = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in left] == ["batch 2"]
    finally:
        second.killed()


def test_an_entry_cut_off_by_the_kill_is_dropped(folder: Path) -> None:
    first = Running(folder)
    dynamodb = first.client("dynamodb")
    dynamodb.create_table(TableName="kept", BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    dynamodb.put_item(TableName="kept", Item={"pk": {"S": "whole"}})
    first.killed()
    journal = folder / "journal"
    whole = journal.stat().st_size
    with journal.open("ab") as handle:
        handle.write(b"\x80\x05\x95half an entry")

    second = Running(folder)
    try:
        assert second.client("dynamodb").get_item(TableName="kept", Key={"pk": {"S": "whole"}})["Item"]
        assert journal.stat().st_size < whole + 5  # the partial entry is gone; the rest snapshotted
    finally:
        second.killed()
