"""Deliver what the relay put on the bus to a queue consumer by hand, and make its first send
fail: how a test shows a consumer's retry sends once after a failure, and a redelivery nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import sample_event


def delivery_of(aws_calls: Any, detail_type: str, sample: str) -> dict[str, Any]:
    """An SQS batch of one record (shaped as `sample`) carrying the one `detail_type` published."""
    (published,) = [entry for entry in aws_calls.published if entry["DetailType"] == detail_type]
    batch = sample_event(sample)
    del batch["Records"][1:]
    envelope = json.loads(batch["Records"][0]["body"])
    envelope["detail"] = json.loads(published["Detail"])
    batch["Records"][0]["body"] = json.dumps(envelope)
    return batch


def first_send_fails(monkeypatch: pytest.MonkeyPatch, *, then_send: bool = True) -> list[str]:
    """Make the first action run through `workers.once` raise; return the names of those run.
    With `then_send` false the later ones do nothing either (what they do is not under test)."""
    from chalicelib.core import workers

    real_once = workers.once
    ran: list[str] = []

    def failing_once(name: str, payload: dict[str, Any], action: Any) -> Any:
        def flaky(value: dict[str, Any]) -> Any:
            ran.append(name)
            if len(ran) == 1:
                raise RuntimeError("the send failed")
            return action(value) if then_send else None
        return real_once(name, payload, flaky)

    monkeypatch.setattr(workers, "once", failing_once)
    return ran


def deliver(consume: Callable[[dict[str, Any]], Any], batch: dict[str, Any]) -> Any:
    """One delivery of `batch`: the consumer's answer, or the record failed as Lambda reports a raise."""
    try:
        return consume(copy.deepcopy(batch))
    except Exception:
        return {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
