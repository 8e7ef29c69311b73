"""Bursts on one event's counters: real DynamoDB cancels colliding transactions with
TransactionConflict (moto never does), and registration tries again with jitter.

Conflicts are forced on moto's real TransactWriteItems: a colliding call is answered as DynamoDB
answers it, before it reaches the table.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from tests.integration.registration_steps import counts, create_event, register


class Conflicts:
    """Answers every `every`-th TransactWriteItems (or all of them) with TransactionConflict."""

    def __init__(self, every: int) -> None:
        from chalicelib.core import aws

        self.client = aws.dynamodb()
        self.every = every
        self.calls = 0
        self.conflicts = 0
        self.client.meta.events.register("before-call.dynamodb.TransactWriteItems", self._collide)

    def _collide(self, params: dict[str, Any], **_: Any) -> None:
        self.calls += 1
        if self.every == 1 or self.calls % self.every:
            self.conflicts += 1
            items = params.get("TransactItems", [])
            raise self.client.exceptions.TransactionCanceledException(
                {"Error": {"Code": "TransactionCanceledException",
                           "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons"},
                 "CancellationReasons": [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (len(items) - 1)},
                "TransactWriteItems")

    def stop(self) -> None:
        self.client.meta.events.unregister("before-call.dynamodb.TransactWriteItems", self._collide)


def test_registrations_that_collide_are_tried_again_and_each_lands_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event with 5 places, and two of every three transactions colliding
    event_id = create_event(client, organiser_key, capacity=5)
    conflicts = Conflicts(every=3)

    # When 10 people register
    started = time.perf_counter()
    answers = [register(client, event_id, f"burst{n}@example.com") for n in range(10)]
    elapsed = time.perf_counter() - started
    conflicts.stop()
    pump.drain()

    # Then every one was answered and stored once: 5 places, 5 waiting, one email each
    print(f"\n10 registrations, {conflicts.conflicts} conflicts in {conflicts.calls} transactions, "
          f"{elapsed:.2f} s in all")
    assert [a.status_code for a in answers] == [202] * 10
    assert conflicts.conflicts >= 10
    assert counts(client, organiser_key, event_id) == {
        "confirmed": 5, "waitlisted": 5, "cancelled": 0, "attended": 0, "offered": 0}
    received = Counter(to for m in outbox.messages() for to in m["to"] if to.startswith("burst"))
    assert received == {f"burst{n}@example.com": 1 for n in range(10)}


def test_a_transaction_that_keeps_colliding_gives_up_after_its_attempts(deployed: Any) -> None:
    from chalicelib.core import keys, store

    conflicts = Conflicts(every=1)
    started = time.perf_counter()
    with pytest.raises(store.TransactionCancelled, match="TransactionConflict"):
        store.transact([store.put_op({**keys.event("never"), "title": "x"})])
    elapsed = time.perf_counter() - started
    conflicts.stop()

    print(f"\ngave up after {conflicts.calls} attempts in {elapsed:.2f} s")
    assert conflicts.calls == store.ATTEMPTS
    # Jittered backoff: bounded by the doubling schedule's sum (0.01 s * 2^attempt)
    assert elapsed < sum(0.01 * 2**attempt for attempt in range(store.ATTEMPTS)) + 1
    assert store.get(keys.event("never")) is None
