"""A stored change always reaches its people: its domain event is stored in the same transaction
and relayed to the bus from the table's stream, whatever happens to the bus meanwhile."""

from __future__ import annotations

from typing import Any

from tests.integration.bus_faults import BusDown
from tests.integration.registration_steps import JSON, create_event, manage_path, register


def _emails(outbox: Any, address: str) -> list[str]:
    return [message["subject"] for message in outbox.messages_to(address)]


def test_the_confirmation_arrives_when_the_bus_fails_after_the_registration_is_stored(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given an event, and a bus that refuses every event from now on
    event_id = create_event(client, organiser_key, capacity=5)
    pump.drain()
    down = BusDown()

    # When someone registers, and the relay tries while the bus is down
    response = register(client, event_id, "ada@example.com")
    pump.drain()

    # Then the registration was answered and stored, the relay was refused, and no email went yet
    assert response.status_code == 202
    assert down.refused >= 1
    assert _emails(outbox, "ada@example.com") == []

    # When the bus is back and the stream's records are retried
    down.recover()
    pump.drain()
    pump.drain()

    # Then exactly one confirmation arrived
    subjects = _emails(outbox, "ada@example.com")
    assert len(subjects) == 1, subjects
    assert subjects[0].startswith("You're registered")


def test_a_cancellation_and_the_promotion_it_makes_reach_both_people(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    # Given a full event with one person waiting, each told so
    event_id = create_event(client, organiser_key, capacity=1)
    register(client, event_id, "first@example.com")
    register(client, event_id, "second@example.com")
    pump.drain()
    link = manage_path(outbox.messages_to("first@example.com")[0])
    before = {who: len(_emails(outbox, who)) for who in ("first@example.com", "second@example.com")}

    # When the first person cancels while the bus is down
    down = BusDown()
    response = client.http.post(f"{link}/cancel", headers=JSON, body="{}")
    pump.drain()

    # Then the cancellation is answered, and nobody is emailed yet
    assert response.status_code == 200, response.body
    assert down.refused >= 1
    assert {who: len(_emails(outbox, who)) for who in before} == before

    # When the bus is back: the canceller and the promoted person each get one email
    down.recover()
    pump.drain()
    assert {who: len(_emails(outbox, who)) for who in before} == {who: n + 1 for who, n in before.items()}


def _records(*operations: dict[str, Any], event_name: str = "INSERT") -> list[dict[str, Any]]:
    """Stream records (KEYS_ONLY, as the table's stream is) for these transaction items' puts."""
    from chalicelib.core import keys, store

    return [{"eventName": event_name,
             "dynamodb": {"Keys": store.to_dynamo(keys.primary_key(operation["Put"]["Item"]))}}
            for operation in operations]


def test_a_stream_batch_delivered_three_times_puts_each_event_on_the_bus_once(
        deployed: Any, aws_calls: Any) -> None:
    from chalicelib.core import outbox, store

    # Given two outbox entries stored, as the stream delivers them
    first = outbox.entry("RegistrationConfirmed", {
        "event_id": "e1", "registration_id": "0123456789abcdef", "email": "a@example.com",
        "registered_at": "2026-01-01T00:00:00+00:00"})
    second = outbox.entry("RegistrationCancelled", {
        "event_id": "e1", "registration_id": "0123456789abcdef", "email": "a@example.com",
        "previous_status": "confirmed", "cancelled_at": "2026-01-02T00:00:00+00:00"})
    store.transact([first, second])
    records = _records(first, second)

    # When the same batch is handed to the relay three times
    relayed = [outbox.relay(records) for _ in range(3)]

    # Then each went on the bus once, in order, and the entries are gone
    assert relayed == [2, 0, 0]
    assert [e["DetailType"] for e in aws_calls.published] == ["RegistrationConfirmed", "RegistrationCancelled"]
    assert store.get(keys_of(first)) is None


def keys_of(operation: dict[str, Any]) -> dict[str, str]:
    from chalicelib.core import keys

    return keys.primary_key(operation["Put"]["Item"])


def test_the_relay_passes_by_other_changes_and_removals(deployed: Any) -> None:
    from chalicelib.core import outbox, store

    entry = outbox.entry("RegistrationConfirmed", {"event_id": "e1"})
    other = store.put_op({"pk": "EVENT#e1", "sk": "EVENT"})
    records = [*_records(entry, event_name="MODIFY"), *_records(entry, event_name="REMOVE"),
               *_records(other), *_records(entry)]
    assert outbox.new_entries(records) == [entry["Put"]["Item"]["entry_id"]]


def test_a_registration_sent_again_after_its_answer_was_lost_emails_once(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: Any) -> None:
    from chalicelib.core import store

    # Given one place, and a database whose answers are lost on the way back, so that the SDK
    # sends each stored transaction again (as it does after a read timeout)
    event_id = create_event(client, organiser_key, capacity=1)
    pump.drain()
    real = store.transact

    def answer_lost(operations: Any) -> None:
        real(operations)
        real(operations)

    monkeypatch.setattr(store, "transact", answer_lost)

    # When Ada takes the place and Bob joins the waiting list
    answers = [register(client, event_id, who).status_code for who in ("ada@example.com", "bob@example.com")]
    monkeypatch.setattr(store, "transact", real)
    pump.drain()

    # Then each gets the one email saying which, and no "already registered" reminder
    assert answers == [202, 202]
    assert [s.split(":")[0] for s in _emails(outbox, "ada@example.com")] == ["You're registered"]
    assert [s.split(":")[0] for s in _emails(outbox, "bob@example.com")] == ["You're on the waiting list"]
