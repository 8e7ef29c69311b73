"""The transaction and batch helpers against moto's DynamoDB: items built with their names and values do
what they say, a refused item is reported at once with its index, other failures are not retried;
what a batch request leaves unprocessed is sent again with backoff, a bounded number of times."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import AwsCalls, reset_caches

EVENT = {"pk": "EVENT#48", "sk": "EVENT"}


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """One empty table shaped like the app's (pk, sk); the whole stack is not needed here."""
    from moto import mock_aws

    with mock_aws():
        import boto3

        boto3.client("dynamodb").create_table(
            TableName="store-test", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}])
        monkeypatch.setenv("TABLE_NAME", "store-test")
        reset_caches()
        yield os.environ["TABLE_NAME"]
    reset_caches()


def _take_place() -> dict[str, Any]:
    from chalicelib.core import store

    return store.update_op(EVENT, "SET #confirmed = #confirmed + :one", "#confirmed < #capacity",
                           names=store.names("confirmed", "capacity"), vals={":one": 1})


def test_every_kind_of_item_runs_in_one_transaction(table: str, aws_calls: AwsCalls) -> None:
    from chalicelib.core import store

    # Given an event with one free place, its series, and a stale hold
    store.put({**EVENT, "confirmed": 0, "capacity": 1})
    store.put({"pk": "SERIES", "sk": "SERIES", "status": "open"})
    store.put({"pk": "HOLD#1", "sk": "HOLD"})

    # When a place is taken, the record put and the hold deleted, provided the series is open
    store.transact([
        _take_place(),
        store.put_op({"pk": "EVENT#48", "sk": "REG#ada"}, "attribute_not_exists(pk)"),
        store.check_op({"pk": "SERIES", "sk": "SERIES"}, "#status = :open", names=store.names("status"),
                       vals={":open": "open"}),
        store.delete_op({"pk": "HOLD#1", "sk": "HOLD"}, "attribute_exists(pk)"),
    ])

    # Then all of it happened, in one request
    assert store.get(EVENT) == {**EVENT, "confirmed": 1, "capacity": 1}
    assert store.get({"pk": "EVENT#48", "sk": "REG#ada"}) is not None
    assert store.get({"pk": "HOLD#1", "sk": "HOLD"}) is None
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1


def test_a_refused_item_is_raised_at_once_naming_its_index(table: str, aws_calls: AwsCalls) -> None:
    from chalicelib.core import store

    # Given a full event
    store.put({**EVENT, "confirmed": 1, "capacity": 1})

    # When a place is asked for
    with pytest.raises(store.ConditionFailed) as refused:
        store.transact([store.put_op({"pk": "EVENT#48", "sk": "REG#ada"}, "attribute_not_exists(pk)"),
                        _take_place()])

    # Then the event's item is the one that refused, as it was, after one request; nothing was written
    assert str(refused.value) == "condition failed at item 1"
    assert not refused.value.refused(0) and refused.value.refused(1)
    assert refused.value.old_item(1) == {**EVENT, "confirmed": 1, "capacity": 1}
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1
    assert store.get({"pk": "EVENT#48", "sk": "REG#ada"}) is None


def test_a_cancellation_for_another_reason_is_not_retried(table: str, aws_calls: AwsCalls,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import store

    # Given a table that does not exist (moto cancels each item with ResourceNotFoundException)
    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    reset_caches()

    # When a transaction is run there
    with pytest.raises(store.TransactionCancelled) as cancelled:
        store.transact([store.check_op(EVENT, "attribute_exists(pk)"), store.delete_op({"pk": "A", "sk": "B"})])

    # Then it fails after one request, saying why, and is no refusal
    assert "ResourceNotFoundException" in str(cancelled.value)
    assert not isinstance(cancelled.value, store.ConditionFailed)
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1


class HeldBack:
    """DynamoDB under throttling: each batch request hands back its last `keep` entries as
    unprocessed, `times` times; moto does the rest for real. A write keeps those entries from
    moto unless nothing else would be sent (then they are written and handed back all the same:
    a put again changes nothing); a read drops them from its answer."""

    def __init__(self, operation: str, keep: int, times: int) -> None:
        from chalicelib.core import aws

        self.operation, self.keep, self.times = operation, keep, times
        self.held: dict[str, Any] = {}
        self.calls = 0
        events = aws.dynamodb().meta.events
        events.register(f"before-parameter-build.dynamodb.{operation}", self._hold)
        events.register(f"after-call.dynamodb.{operation}", self._hand_back)

    def _hold(self, params: dict[str, Any], **_: Any) -> None:
        self.calls += 1
        self.held = {}
        if self.times <= 0:
            return
        self.times -= 1
        for name, entries in params["RequestItems"].items():
            if self.operation == "BatchWriteItem":
                self.held[name] = entries[-self.keep:]
                if len(entries) > self.keep:
                    params["RequestItems"][name] = entries[:-self.keep]
            else:
                self.held[name] = {**entries, "Keys": entries["Keys"][-self.keep:]}

    def _hand_back(self, parsed: dict[str, Any], **_: Any) -> None:
        if not self.held:
            return
        if self.operation == "BatchWriteItem":
            parsed["UnprocessedItems"] = self.held
            return
        parsed["UnprocessedKeys"] = self.held
        for name, wanted in self.held.items():
            held = [(key["pk"]["S"], key["sk"]["S"]) for key in wanted["Keys"]]
            parsed["Responses"][name] = [item for item in parsed["Responses"][name]
                                         if (item["pk"]["S"], item["sk"]["S"]) not in held]


def _items(count: int) -> list[dict[str, Any]]:
    return [{"pk": "PERSON#p", "sk": f"THING#{i:03d}", "n": i} for i in range(count)]


def test_batch_writes_and_reads_send_again_what_dynamodb_held_back(table: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import keys, store

    waits: list[int] = []
    monkeypatch.setattr(store, "backoff", waits.append)
    writes = HeldBack("BatchWriteItem", keep=5, times=2)
    store.put_many(_items(30))
    assert writes.calls == 4  # 25 with 5 held back, those 5 held back again, then the last 5
    reads = HeldBack("BatchGetItem", keep=10, times=3)
    found = store.get_many([keys.primary_key(item) for item in _items(30)])
    assert reads.calls == 4
    assert waits == [0, 1, 0, 1, 2]  # a growing wait before each second try, per batch
    assert sorted(item["n"] for item in found) == list(range(30))


def test_a_batch_still_held_back_after_every_attempt_raises_rather_than_spinning(
        table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import store

    monkeypatch.setattr(store, "backoff", lambda attempt: None)
    HeldBack("BatchWriteItem", keep=3, times=store.ATTEMPTS)
    with pytest.raises(store.Unprocessed, match="3 writes left unprocessed after 8 attempts"):
        store.put_many(_items(10))
