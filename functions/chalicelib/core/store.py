"""The data layer: a thin, typed wrapper over the DynamoDB low-level client.

The low-level client (not the resource API) keeps cold start small; items are plain dicts of
Python values, converted at this boundary. There is deliberately no scan() here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from chalicelib.core import aws
from chalicelib.core.settings import get_settings

Item = dict[str, Any]
# One item of a transaction, {"Put" | "Update" | "ConditionCheck" | "Delete": spec}, in plain values.
Operation = dict[str, Any]

REFUSED = "ConditionalCheckFailed"
CONFLICT = "TransactionConflict"
# Transactions on one item (an event's counters, a poll's counts) collide under load; DynamoDB
# cancels one of them (TransactionConflict) and it is simply tried again, this many times at most.
ATTEMPTS = 8

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ConditionFailed(Exception):
    """A conditional write was refused. From a transaction, `reasons` holds its per-item
    cancellation reasons and at least one item is refused; a single write has none."""

    def __init__(self, reasons: Sequence[Mapping[str, Any]] | None = None) -> None:
        self.reasons = [dict(reason) for reason in reasons or []]
        refused = [i for i in range(len(self.reasons)) if self.refused(i)]
        super().__init__(f"condition failed at item {', '.join(map(str, refused))}" if refused
                         else "condition failed")

    def refused(self, index: int) -> bool:
        """Whether item `index` of the transaction failed its condition."""
        return _code(self.reasons, index) == REFUSED

    def old_item(self, index: int) -> Item | None:
        """The item as it was when item `index` of a transaction failed its condition."""
        if index >= len(self.reasons):
            return None
        raw = self.reasons[index].get("Item")
        return from_dynamo(raw) if raw else None


class TransactionCancelled(Exception):
    """DynamoDB cancelled a transaction for another reason than a refused condition (conflicts
    that outlasted every attempt, throttling, validation); `reasons` says why, per item."""

    def __init__(self, reasons: Sequence[Mapping[str, Any]]) -> None:
        self.reasons = [dict(reason) for reason in reasons]
        super().__init__(f"transaction cancelled: {', '.join(str(r.get('Code', '?')) for r in self.reasons)}")


class Unprocessed(Exception):
    """DynamoDB still held back part of a batch read or write after every attempt (throttled)."""


def _code(reasons: Sequence[Mapping[str, Any]], index: int) -> str:
    return str(reasons[index].get("Code", "")) if index < len(reasons) else ""


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
    _write(aws.dynamodb().put_item, put_op(item, condition, names=names, vals=vals))


def update(key: Mapping[str, str], expression: str, *, condition: str | None = None,
           names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None,
           return_values: str = "ALL_NEW") -> Item:
    response = _write(aws.dynamodb().update_item, update_op(key, expression, condition, names=names, vals=vals),
                      ReturnValues=return_values)
    return from_dynamo(response.get("Attributes", {}))


def delete(key: Mapping[str, str], condition: str | None = None) -> None:
    _write(aws.dynamodb().delete_item, delete_op(key, condition))


def _write(call: Callable[..., Any], operation: Operation, **extra: Any) -> Any:
    """One conditional write, built as a transaction item would be; ConditionFailed if refused."""
    (_, spec), = operation.items()
    try:
        return call(**_dynamo_spec(spec), **extra)
    except aws.dynamodb().exceptions.ConditionalCheckFailedException as exc:
        raise ConditionFailed() from exc


def get_many(item_keys: Sequence[Mapping[str, str]], fields: Sequence[str] | None = None) -> list[Item]:
    """The items at these keys that exist (strongly consistent), 100 keys a request; with
    `fields`, only those attributes of each (and its key)."""
    found: list[Item] = []
    client = aws.dynamodb()
    projection: dict[str, Any] = {}
    if fields:
        names = {f"#f{i}": name for i, name in enumerate(("pk", "sk", *fields))}
        projection = {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}
    for start in range(0, len(item_keys), 100):
        wanted: dict[str, Any] = {table(): {"Keys": [to_dynamo(key) for key in item_keys[start:start + 100]],
                                            "ConsistentRead": True, **projection}}
        for response in _until_processed(client.batch_get_item, wanted, "UnprocessedKeys", "reads"):
            found.extend(from_dynamo(raw) for raw in response.get("Responses", {}).get(table(), []))
    return found


def put_many(items: Sequence[Mapping[str, Any]]) -> None:
    """Write these items (unconditionally, each replacing what was at its key), 25 a request."""
    _write_many([{"PutRequest": {"Item": to_dynamo(item)}} for item in items])


def delete_many(item_keys: Sequence[Mapping[str, str]]) -> None:
    """Delete the items at these keys (unconditionally), 25 a request."""
    _write_many([{"DeleteRequest": {"Key": to_dynamo(key)}} for key in item_keys])


def _write_many(requests: list[dict[str, Any]]) -> None:
    """BatchWriteItem 25 requests at a time (every one a put or delete that can repeat)."""
    client = aws.dynamodb()
    for start in range(0, len(requests), 25):
        for _ in _until_processed(client.batch_write_item, {table(): requests[start:start + 25]},
                                  "UnprocessedItems", "writes"):
            pass


def _until_processed(send: Callable[..., dict[str, Any]], request: dict[str, Any], unprocessed: str,
                     what: str) -> Iterator[dict[str, Any]]:
    """Send a batch request, then what DynamoDB left `unprocessed` in each answer, after a growing
    wait (as AWS advises: at once it would be held back again); yield each answer. Raises
    Unprocessed if some is still left after ATTEMPTS, rather than spinning until the function
    times out: a queued message that raises is tried again later."""
    for attempt in range(ATTEMPTS):
        response = send(RequestItems=request)
        yield response
        request = response.get(unprocessed) or {}
        if not request:
            return
        backoff(attempt)
    left = sum(len(entries["Keys"]) if isinstance(entries, dict) else len(entries) for entries in request.values())
    raise Unprocessed(f"{left} {what} left unprocessed after {ATTEMPTS} attempts")


def query(pk: str, *, sk_prefix: str | None = None, index: str | None = None,
          sk_from: str | None = None, forward: bool = True, limit: int | None = None,
          page_size: int = 200, fields: Sequence[str] | None = None) -> Iterator[Item]:
    """Yield items of one partition, page by page, so large partitions stream in constant memory;
    with `fields`, only those attributes of each item (a walk over many items that needs a few
    of each reads, sends and parses no more)."""
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
    if fields:
        projected = {f"#f{i}": name for i, name in enumerate(fields)}
        kwargs["ProjectionExpression"] = ", ".join(projected)
        kwargs["ExpressionAttributeNames"].update(projected)
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


def names(*attributes: str) -> dict[str, str]:
    """Expression attribute names `#a` for attributes `a` (for reserved words such as status)."""
    return {f"#{attribute}": attribute for attribute in attributes}


def _spec(names: Mapping[str, str] | None, vals: Mapping[str, Any] | None, **fields: Any) -> dict[str, Any]:
    spec = {name: value for name, value in fields.items() if value is not None and value != ""}
    if names:
        spec["ExpressionAttributeNames"] = dict(names)
    if vals:
        spec["ExpressionAttributeValues"] = dict(vals)
    return spec


def put_op(item: Mapping[str, Any], condition: str | None = None, *,
           names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None) -> Operation:
    """A transaction item that puts `item` (if `condition` holds)."""
    return {"Put": _spec(names, vals, Item=dict(item), ConditionExpression=condition)}


def update_op(key: Mapping[str, str], expression: str, condition: str | None = None, *,
              names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None) -> Operation:
    """A transaction item that updates the item at `key` (if `condition` holds)."""
    return {"Update": _spec(names, vals, Key=dict(key), UpdateExpression=expression,
                            ConditionExpression=condition)}


def check_op(key: Mapping[str, str], condition: str, *,
             names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None) -> Operation:
    """A transaction item that writes nothing but needs `condition` to hold on the item at `key`."""
    return {"ConditionCheck": _spec(names, vals, Key=dict(key), ConditionExpression=condition)}


def delete_op(key: Mapping[str, str], condition: str | None = None, *,
              names: Mapping[str, str] | None = None, vals: Mapping[str, Any] | None = None) -> Operation:
    """A transaction item that deletes the item at `key` (if `condition` holds)."""
    return {"Delete": _spec(names, vals, Key=dict(key), ConditionExpression=condition)}


def conflicted(reasons: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a cancelled transaction is worth trying again as it is: some item collided with
    another transaction and nothing else went wrong ("None" marks an item that was fine)."""
    codes = {str(reason.get("Code", "")) for reason in reasons} - {"None"}
    return codes == {CONFLICT}


def backoff(attempt: int) -> None:
    """Wait a random moment, longer after each attempt, so colliding writers spread out."""
    time.sleep(random.uniform(0, 0.01 * 2**attempt))


def transact(operations: Sequence[Operation]) -> None:
    """Run a TransactWriteItems (items built with put_op, update_op, check_op, delete_op).

    Conflicts with other transactions are tried again, with backoff, up to ATTEMPTS times.
    Raises ConditionFailed at once when an item's condition refuses (`refused(i)` says which,
    `old_item(i)` what it held), and TransactionCancelled for anything else.
    """
    items = [_dynamo_operation(op) for op in operations]
    client = aws.dynamodb()
    for attempt in range(ATTEMPTS):
        try:
            client.transact_write_items(TransactItems=items)
            return
        except client.exceptions.TransactionCanceledException as exc:
            reasons = exc.response.get("CancellationReasons", [])
            if any(_code(reasons, i) == REFUSED for i in range(len(reasons))):
                raise ConditionFailed(reasons) from exc
            if not conflicted(reasons) or attempt == ATTEMPTS - 1:
                raise TransactionCancelled(reasons) from exc
        backoff(attempt)


def _dynamo_operation(operation: Operation) -> dict[str, Any]:
    (kind, spec), = operation.items()
    spec = _dynamo_spec(spec)
    # The refused item as it was: one failed transaction tells, e.g., "full" from "already there".
    spec.setdefault("ReturnValuesOnConditionCheckFailure", "ALL_OLD")
    return {kind: spec}


def _dynamo_spec(plain: Mapping[str, Any]) -> dict[str, Any]:
    spec = {**plain, "TableName": table()}
    if "Item" in spec:
        spec["Item"] = to_dynamo(spec["Item"])
    if "Key" in spec:
        spec["Key"] = to_dynamo(spec["Key"])
    if "ExpressionAttributeValues" in spec:
        spec["ExpressionAttributeValues"] = values(spec["ExpressionAttributeValues"])
    return spec
