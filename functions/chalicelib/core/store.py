"""The data layer: a thin, typed wrapper over the DynamoDB low-level client.

The low-level client (not the resource API) keeps cold start small; items are plain dicts of
Python values, converted at this boundary. There is deliberately no scan() here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from chalicelib.core import aws
from chalicelib.core.settings import get_settings

Item = dict[str, Any]

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ConditionFailed(Exception):
    """A conditional write was refused; `reasons` holds per-item cancellation reasons."""

    def __init__(self, reasons: list[dict[str, Any]] | None = None) -> None:
        super().__init__("condition failed")
        self.reasons = reasons or []

    def old_item(self, index: int) -> Item | None:
        """The item as it was when item `index` of a transaction failed its condition."""
        if index >= len(self.reasons):
            return None
        raw = self.reasons[index].get("Item")
        return from_dynamo(raw) if raw else None

    def code(self, index: int) -> str:
        if index >= len(self.reasons):
            return ""
        return str(self.reasons[index].get("Code", ""))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _dynamo_value(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _dynamo_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dynamo_value(v) for v in value]
    return value


def to_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_dynamo_value(v)) for k, v in item.items() if v is not None}


def from_dynamo(raw: Mapping[str, Any]) -> Item:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in raw.items()}


def values(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Expression attribute values from plain Python values."""
    return {k: _serializer.serialize(_dynamo_value(v)) for k, v in mapping.items()}


def table() -> str:
    return get_settings().table_name


def get(key: Mapping[str, str], consistent: bool = True) -> Item | None:
    response = aws.dynamodb().get_item(
        TableName=table(), Key=to_dynamo(key), ConsistentRead=consistent
    )
    raw = response.get("Item")
    return from_dynamo(raw) if raw else None


def put(item: Mapping[str, Any], condition: str | None = None,
        names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None) -> None:
    kwargs: dict[str, Any] = {"TableName": table(), "Item": to_dynamo(item)}
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if vals:
        kwargs["ExpressionAttributeValues"] = values(vals)
    try:
        aws.dynamodb().put_item(**kwargs)
    except aws.dynamodb().exceptions.ConditionalCheckFailedException as exc:
        raise ConditionFailed() from exc


def update(key: Mapping[str, str], expression: str, *, condition: str | None = None,
           names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None,
           return_values: str = "ALL_NEW") -> Item:
    kwargs: dict[str, Any] = {
        "TableName": table(),
        "Key": to_dynamo(key),
        "UpdateExpression": expression,
        "ReturnValues": return_values,
    }
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if vals:
        kwargs["ExpressionAttributeValues"] = values(vals)
    try:
        response = aws.dynamodb().update_item(**kwargs)
    except aws.dynamodb().exceptions.ConditionalCheckFailedException as exc:
        raise ConditionFailed() from exc
    return from_dynamo(response.get("Attributes", {}))


def delete(key: Mapping[str, str], condition: str | None = None) -> None:
    kwargs: dict[str, Any] = {"TableName": table(), "Key": to_dynamo(key)}
    if condition:
        kwargs["ConditionExpression"] = condition
    try:
        aws.dynamodb().delete_item(**kwargs)
    except aws.dynamodb().exceptions.ConditionalCheckFailedException as exc:
        raise ConditionFailed() from exc


def query(pk: str, *, sk_prefix: str | None = None, index: str | None = None,
          sk_from: str | None = None, forward: bool = True, limit: int | None = None,
          page_size: int = 200) -> Iterator[Item]:
    """Yield items of one partition, page by page, so large partitions stream in constant memory."""
    pk_attr, sk_attr = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
    condition = "#pk = :pk"
    vals: dict[str, Any] = {":pk": pk}
    if sk_prefix is not None:
        condition += " AND begins_with(#sk, :prefix)"
        vals[":prefix"] = sk_prefix
    elif sk_from is not None:
        condition += " AND #sk >= :from"
        vals[":from"] = sk_from
    kwargs: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": {"#pk": pk_attr, **({"#sk": sk_attr} if "#sk" in condition else {})},
        "ExpressionAttributeValues": values(vals),
        "ScanIndexForward": forward,
        "Limit": min(page_size, limit) if limit else page_size,
    }
    if index:
        kwargs["IndexName"] = index
    yielded = 0
    while True:
        response = aws.dynamodb().query(**kwargs)
        for raw in response.get("Items", []):
            yield from_dynamo(raw)
            yielded += 1
            if limit and yielded >= limit:
                return
        last = response.get("LastEvaluatedKey")
        if not last:
            return
        kwargs["ExclusiveStartKey"] = last


def count(pk: str, *, index: str | None = None, sk_below: str | None = None) -> int:
    """How many items one partition holds (with a sort key below `sk_below`), reading none."""
    pk_attr, sk_attr = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
    condition = "#pk = :pk" + (" AND #sk < :below" if sk_below is not None else "")
    vals: dict[str, Any] = {":pk": pk, **({":below": sk_below} if sk_below is not None else {})}
    kwargs: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": {"#pk": pk_attr, **({"#sk": sk_attr} if sk_below is not None else {})},
        "ExpressionAttributeValues": values(vals),
        "Select": "COUNT",
    }
    if index:
        kwargs["IndexName"] = index
    total = 0
    while True:
        response = aws.dynamodb().query(**kwargs)
        total += int(response.get("Count", 0))
        last = response.get("LastEvaluatedKey")
        if not last:
            return total
        kwargs["ExclusiveStartKey"] = last


def transact(operations: list[dict[str, Any]]) -> None:
    """Run a TransactWriteItems; on a refused condition raise ConditionFailed with reasons.

    Each operation is one of {"Put": {...}}, {"Update": {...}}, {"ConditionCheck": {...}},
    {"Delete": {...}} with plain Python values under Item/Key/ExpressionAttributeValues.
    """
    items = []
    for op in operations:
        (kind, spec), = op.items()
        spec = dict(spec)
        spec["TableName"] = table()
        if "Item" in spec:
            spec["Item"] = to_dynamo(spec["Item"])
        if "Key" in spec:
            spec["Key"] = to_dynamo(spec["Key"])
        if "ExpressionAttributeValues" in spec:
            spec["ExpressionAttributeValues"] = values(spec["ExpressionAttributeValues"])
        spec.setdefault("ReturnValuesOnConditionCheckFailure", "ALL_OLD")
        items.append({kind: spec})
    client = aws.dynamodb()
    try:
        client.transact_write_items(TransactItems=items)
    except client.exceptions.TransactionCanceledException as exc:
        reasons = exc.response.get("CancellationReasons", [])
        raise ConditionFailed(reasons) from exc
