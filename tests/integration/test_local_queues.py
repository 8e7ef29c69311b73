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
