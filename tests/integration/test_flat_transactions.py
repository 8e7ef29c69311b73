"""The local stack's TransactWriteItems: all or nothing as before, without copying the table.

moto's own transaction deep-copies every table it names; clubflow.dev.transactions saves only
the items it touches. Run against moto's real DynamoDB backend, with a stream on the table so a
cancelled transaction is seen to leave no stream record either.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from clubflow.dev import transactions

REGION = "eu-west-2"
TABLE = "flat"


@pytest.fixture
def ddb() -> Iterator[Any]:
    transactions.apply()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        yield client


def key(name: str) -> dict[str, Any]:
    return {"pk": {"S": "event"}, "sk": {"S": name}}


def put(client: Any, name: str, **attrs: Any) -> None:
    client.put_item(TableName=TABLE, Item={**key(name), **attrs})


def item(client: Any, name: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = client.get_item(TableName=TABLE, Key=key(name)).get("Item")
    return found


def stream_length() -> int:
    shard = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(TABLE).stream_shard
    assert shard is not None
    return len(shard.items)


def four_changes(full_at: int) -> list[dict[str, Any]]:
    """Put a new item, bump a counter in place, delete one, then check a capacity."""
    return [
        {"Put": {"TableName": TABLE, "Item": {**key("new"), "n": {"N": "1"}},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": TABLE, "Key": key("counter"), "UpdateExpression": "ADD taken :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": TABLE, "Key": key("gone")}},
        {"Update": {"TableName": TABLE, "Key": key("capacity"), "UpdateExpression": "SET seen = :t",
                    "ConditionExpression": "places > :full",
                    "ExpressionAttributeValues": {":full": {"N": str(full_at)}, ":t": {"BOOL": True}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
    ]


def seed(client: Any) -> None:
    put(client, "counter", taken={"N": "7"})
    put(client, "gone", note={"S": "still here"})
    put(client, "capacity", places={"N": "50"})


def test_a_refused_condition_puts_back_every_item_and_the_stream(ddb: Any) -> None:
    seed(ddb)
    before = stream_length()

    with pytest.raises(ddb.exceptions.TransactionCanceledException) as refused:
        ddb.transact_write_items(TransactItems=four_changes(full_at=50))

    reasons = refused.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "None", "None", "ConditionalCheckFailed"]
    assert reasons[3]["Item"] == {**key("capacity"), "places": {"N": "50"}}
    assert item(ddb, "new") is None
    assert item(ddb, "counter") == {**key("counter"), "taken": {"N": "7"}}
    assert item(ddb, "gone") == {**key("gone"), "note": {"S": "still here"}}
    assert item(ddb, "capacity") == {**key("capacity"), "places": {"N": "50"}}
    assert stream_length() == before


def test_an_accepted_transaction_makes_every_change_once(ddb: Any) -> None:
    seed(ddb)
    before = stream_length()

    ddb.transact_write_items(TransactItems=four_changes(full_at=49))

    assert item(ddb, "new") == {**key("new"), "n": {"N": "1"}}
    assert item(ddb, "counter") == {**key("counter"), "taken": {"N": "8"}}
    assert item(ddb, "gone") is None
    assert item(ddb, "capacity") == {**key("capacity"), "places": {"N": "50"}, "seen": {"BOOL": True}}
    assert stream_length() == before + 4


def test_one_item_named_twice_is_refused_and_nothing_changes(ddb: Any) -> None:
    seed(ddb)
    twice = [
        {"Update": {"TableName": TABLE, "Key": key("counter"), "UpdateExpression": "ADD taken :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Delete": {"TableName": TABLE, "Key": key("counter")}},
    ]

    with pytest.raises(ddb.exceptions.ClientError, match="ValidationException"):
        ddb.transact_write_items(TransactItems=twice)

    assert item(ddb, "counter") == {**key("counter"), "taken": {"N": "7"}}


def test_an_update_refused_as_invalid_takes_back_the_earlier_put(ddb: Any) -> None:
    seed(ddb)
    put(ddb, "text", taken={"S": "not a number"})
    changes = [
        {"Put": {"TableName": TABLE, "Item": {**key("new"), "n": {"N": "1"}}}},
        {"Update": {"TableName": TABLE, "Key": key("text"), "UpdateExpression": "ADD taken :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ]

    with pytest.raises(ddb.exceptions.ClientError, match="incorrect data type"):
        ddb.transact_write_items(TransactItems=changes)

    assert item(ddb, "new") is None
    assert item(ddb, "text") == {**key("text"), "taken": {"S": "not a number"}}


def test_a_transaction_never_copies_the_table(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(200):
        put(ddb, f"person-{number:04}", n={"N": str(number)})
    seed(ddb)
    copied: list[type] = []
    deepcopy = copy.deepcopy

    def counting(value: Any, memo: Any = None, _nil: Any = ()) -> Any:
        copied.append(type(value))
        return deepcopy(value, memo)

    monkeypatch.setattr(copy, "deepcopy", counting)
    ddb.transact_write_items(TransactItems=four_changes(full_at=49))
    monkeypatch.undo()

    assert copied, "the touched items are saved before they change"
    assert Table not in copied
    # Each touched item is a handful of objects deep; the table's 200 items would be thousands.
    assert len(copied) < 200
