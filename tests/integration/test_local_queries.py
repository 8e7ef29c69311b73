"""The local stack's Query: the same answers as moto's own, reading only the partition asked for.

moto lists and sorts the whole table for every Query; clubflow.dev.queries gives a query on the
table's own key that partition's items alone. Run against moto's real DynamoDB backend, a query
with every option the app uses, page by page, in both directions, is held to what moto answers
without the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from clubflow.dev import queries

REGION = "eu-west-2"


@pytest.fixture
def ddb() -> Iterator[Any]:
    queries.apply()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName="queried", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}
                                  for name in ("pk", "sk", "gsi1pk", "gsi1sk")],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[{"IndexName": "gsi1", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"},
                                                   {"AttributeName": "gsi1sk", "KeyType": "RANGE"}]}])
        # Two events' registrations (written out of order) and their waiting lists in the index,
        # and a large partition of something else
        for event, people in (("48", 7), ("49", 3)):
            for i in reversed(range(people)):
                client.put_item(TableName="queried", Item={
                    "pk": {"S": f"EVENT#{event}"}, "sk": {"S": f"REG#{i:03d}"}, "n": {"N": str(i)},
                    "gsi1pk": {"S": f"WAITING#{event}"}, "gsi1sk": {"S": f"{9 - i:03d}"}})
            client.put_item(TableName="queried", Item={"pk": {"S": f"EVENT#{event}"}, "sk": {"S": "EVENT"}})
        for i in range(300):
            client.put_item(TableName="queried", Item={"pk": {"S": "AUDIT"}, "sk": {"S": f"{i:05d}"}})
        yield client


def _walk(client: Any, **query: Any) -> list[list[str]]:
    """Every page of a query, each as its sort keys."""
    pages: list[list[str]] = []
    start: dict[str, Any] = {}
    while True:
        got = client.query(TableName="queried", **query, **start)
        pages.append([item.get("sk", {}).get("S", "") for item in got["Items"]])
        if "LastEvaluatedKey" not in got:
            return pages
        start = {"ExclusiveStartKey": got["LastEvaluatedKey"]}


QUERIES: dict[str, dict[str, Any]] = {
    "registrations, 3 a page": {"KeyConditionExpression": "pk = :pk AND begins_with(sk, :reg)", "Limit": 3,
                                "ExpressionAttributeValues": {":pk": {"S": "EVENT#48"}, ":reg": {"S": "REG#"}}},
    "newest first, projected": {"KeyConditionExpression": "pk = :pk", "ScanIndexForward": False, "Limit": 4,
                                "ProjectionExpression": "sk, n",
                                "ExpressionAttributeValues": {":pk": {"S": "EVENT#48"}}},
    "from a sort key on": {"KeyConditionExpression": "pk = :pk AND sk >= :from",
                           "ExpressionAttributeValues": {":pk": {"S": "EVENT#48"}, ":from": {"S": "REG#004"}}},
    "filtered": {"KeyConditionExpression": "pk = :pk", "FilterExpression": "n > :two", "Limit": 5,
                 "ExpressionAttributeValues": {":pk": {"S": "EVENT#48"}, ":two": {"N": "2"}}},
    "a partition that is not there": {"KeyConditionExpression": "pk = :pk",
                                      "ExpressionAttributeValues": {":pk": {"S": "EVENT#50"}}},
    "an index": {"IndexName": "gsi1", "KeyConditionExpression": "gsi1pk = :w", "Limit": 2,
                 "ExpressionAttributeValues": {":w": {"S": "WAITING#49"}}},
}


@pytest.mark.parametrize("name", QUERIES)
def test_a_query_answers_as_moto_does(ddb: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _walk(ddb, **QUERIES[name])
    monkeypatch.setattr(queries, "partition_items", lambda table, hash_key: queries._every_item(table))
    assert ours == _walk(ddb, **QUERIES[name])  # moto's own: every item of the table, then the partition's


def test_a_query_on_the_table_key_reads_its_partition_alone(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    listed: list[str] = []
    every_item = queries._every_item

    def whole_table(table: Any) -> list[Any]:
        listed.append(table.name)
        return list(every_item(table))

    monkeypatch.setattr(queries, "_every_item", whole_table)
    # A walk over one event's registrations never lists the table's other 300 items
    assert _walk(ddb, **QUERIES["registrations, 3 a page"]) == [
        ["REG#000", "REG#001", "REG#002"], ["REG#003", "REG#004", "REG#005"], ["REG#006"]]
    assert listed == []
    # Nor does asking for a partition that is not there add it to the table
    assert _walk(ddb, **QUERIES["a partition that is not there"]) == [[]]
    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables["queried"]
    assert sorted(str(key.value) for key in table.items) == ["AUDIT", "EVENT#48", "EVENT#49"]
    # An index query still lists the whole table, a page at a time
    assert _walk(ddb, **QUERIES["an index"]) == [["REG#002", "REG#001"], ["REG#000"]]
    assert listed == ["queried", "queried"]
