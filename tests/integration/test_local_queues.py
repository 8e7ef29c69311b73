"""The local stack's moto queues: sending and receiving cost the messages moved, and change
nothing else about a queue."""

from __future__ import annotations

from typing import Any

import boto3


def test_a_queue_says_the_same_while_a_message_moves_less_its_counts(deployed: Any) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sqs.models import Queue, sqs_backends

    from clubflow.dev import queues

    # Given the stack's queues, a FIFO one among them, with messages in one
    sqs = boto3.client("sqs")
    fifo = sqs.create_queue(QueueName="local-check.fifo",
                            Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=fifo, MessageBody="one", MessageGroupId="g")
    sqs.send_message(QueueUrl=deployed.queue_urls["MailFeedbackQueue"], MessageBody="{}")
    backend = sqs_backends[DEFAULT_ACCOUNT_ID]["eu-west-2"]

    # Then each queue's attributes, less the three counts, are what moto's own property gives
    for queue in backend.queues.values():
        full = Queue.attributes.fget(queue)  # type: ignore[attr-defined]  # outside a send: moto's own
        assert queues.without_counts(queue) == {name: value for name, value in full.items()
                                                if not name.startswith("ApproximateNumberOf")}

    # And a FIFO queue still deduplicates by content while sending
    sqs.send_message(QueueUrl=fifo, MessageBody="one", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["one"]


def test_a_receive_takes_the_first_visible_messages_without_walking_the_rest(
        deployed: Any, monkeypatch: Any) -> None:
    from moto.sqs.models import Message

    # Given a queue of 500 messages, the first ten of them received and not yet deleted
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="local-walk")["QueueUrl"]
    for start in range(0, 500, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i:03d}"}
                                                      for i in range(start, start + 10)])
    in_flight = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in in_flight] == [f"m{i:03d}" for i in range(10)]

    # When the next ten are received, counting the messages whose visibility is looked at
    looked = [0]
    visible = Message.visible

    def counted(message: Any) -> bool:
        looked[0] += 1
        return bool(visible.fget(message))  # type: ignore[attr-defined]

    monkeypatch.setattr(Message, "visible", property(counted))
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    monkeypatch.undo()

    # Then they are the next ten in order, found without a look at the other 480
    assert [m["Body"] for m in got] == [f"m{i:03d}" for i in range(10, 20)]
    assert looked[0] <= 2 * 20, looked[0]
    # And the queue still counts every message it holds
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (counts["ApproximateNumberOfMessages"], counts["ApproximateNumberOfMessagesNotVisible"]) == ("480", "20")

    # And deleting the first message received looks at it alone, not at the whole queue
    handles = [0]
    had = Message.had_receipt_handle

    def checked(message: Any, handle: str) -> bool:
        handles[0] += 1
        return had(message, handle)

    monkeypatch.setattr(Message, "had_receipt_handle", checked)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=in_flight[0]["ReceiptHandle"])
    monkeypatch.undo()
    assert handles[0] == 1, handles[0]


def test_a_delete_removes_that_message_alone_once_and_refuses_an_unknown_handle(deployed: Any) -> None:
    import pytest
    from botocore.exceptions import ClientError

    # Given a queue of three messages, two of them received
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="local-delete", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    for body in ("one", "two", "three"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    _first, second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]

    # When the second is deleted, twice (as a retried delete is)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])

    # Then the others are still there, and a handle never given is refused
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in left) == ["one", "three"]
    with pytest.raises(ClientError, match="ReceiptHandleIsInvalid"):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    # And a delete in a batch acts alike
    done = sqs.delete_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "ReceiptHandle": left[0]["ReceiptHandle"]}, {"Id": "b", "ReceiptHandle": "not-a-handle"}])
    assert [s["Id"] for s in done["Successful"]] == ["a"] and [f["Id"] for f in done["Failed"]] == ["b"]
