"""moto's TransactWriteItems at the cost of the items it touches, not of the table's size.

moto (5.2) backs up every table a transaction names with `copy.deepcopy(table)` before it starts,
so each transaction costs time in proportion to the whole table: measured on the local stack's
single-threaded server, 10 ms at 100 items, 44 ms at 1,000, 143 ms at 5,000. A season of data
made every registration slow and a burst of them time out.

`apply()` replaces `DynamoDBBackend.transact_write_items` with the same algorithm (same order of
checks, same errors, same `CancellationReasons` with the old item under
`ReturnValuesOnConditionCheckFailure: ALL_OLD`) that saves only what it is about to change: a
deep copy of each touched item as it was (or the fact that it was absent) and the length of each
table's stream. On any failure those items are put back (in reverse order) and the stream
records the transaction added are dropped, so a cancelled transaction leaves nothing behind, as
before. A transaction names each item at most once (moto refuses a second operation on one item
before touching it), so the item saved before its operation is the item as the transaction
found it. `ClientRequestToken` is ignored, as moto ignores it.

Offered upstream as (moto/dynamodb/models/__init__.py, `transact_write_items`): replace the
`original_table_state` deep copy of each table with a list of `(table, hash, range, old item)`
saved just before each operation, plus each table's `len(stream_shard.items)`; replace the two
"restore the tables" loops with one `_rollback()` that puts each saved item back (or pops a key
that was absent) and truncates each stream. Behaviour is unchanged; the cost goes from O(table)
to O(items in the transaction).
"""

from __future__ import annotations

import copy
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

MAX_ITEMS = 100
_OPERATIONS = frozenset({"ConditionCheck", "Put", "Delete", "Update"})


class _Undo:
    """What one transaction changed, so that it can be put back exactly."""

    def __init__(self) -> None:
        self._items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self._streams: dict[int, tuple[Table, list[Any], int]] = {}

    def save(self, table: Table, hash_value: DynamoType, range_value: DynamoType | None) -> None:
        current = table.get_item(hash_value, range_value)
        self._items.append((table, hash_value, range_value, copy.deepcopy(current)))
        shard = table.stream_shard
        if shard is not None and id(table) not in self._streams:
            self._streams[id(table)] = (table, shard.items, len(shard.items))

    def rollback(self) -> None:
        for table, hash_value, range_value, old in reversed(self._items):
            if range_value is not None:
                slot: dict[Any, Any] = table.items[hash_value]
                key: Any = range_value
            else:
                slot, key = table.items, hash_value
            if old is None:
                slot.pop(key, None)
            else:
                slot[key] = old
        for table, records, length in self._streams.values():
            shard = table.stream_shard
            # A stream handed to a Lambda mapping starts a new list: nothing of ours is left in it.
            if shard is not None and shard.items is records:
                del records[length:]


def _key_of(table: Table, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto's transact_write_items, saving and restoring only the items it touches."""
    if len(transact_items) > MAX_ITEMS:
        raise TooManyTransactionsException()
    undo = _Undo()
    targets: set[tuple[str, str]] = set()
    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(item) > 1:
            undo.rollback()
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in _OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            condition = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            table = self.get_table(table_name)
            key = _key_of(table, op_type, op)

            target = (str(table_name), str(dict(sorted(key.items()))))
            if target in targets:
                raise MultipleTransactionsException()
            targets.add(target)

            current = self.get_item(table_name, key)
            if condition is not None and not get_filter_expression(condition, names, values).expr(current):
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    original_item = current.to_json()["Attributes"]
                raise ConditionalCheckFailed(item=original_item)

            if op_type != "ConditionCheck":
                undo.save(table, *self.get_keys_value(table, key))
            if op_type == "Put":
                self.put_item(table_name, op["Item"], condition_expression=condition,
                              expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Delete":
                self.delete_item(table_name, key, condition_expression=condition,
                                 expression_attribute_names=names, expression_attribute_values=values)
            elif op_type == "Update":
                self.update_item(table_name, key, update_expression=op["UpdateExpression"],
                                 condition_expression=condition,
                                 expression_attribute_names=names, expression_attribute_values=values)
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            undo.rollback()
            raise
        except ConditionalCheckFailed as error:
            errors.append(("ConditionalCheckFailed", str(error.message), original_item))
        except Exception as error:  # as moto: any other failure cancels with its reason
            errors.append((type(error).__name__, str(error), original_item))

    if any(code is not None for code, _, _ in errors):
        undo.rollback()
        raise TransactionCanceledException(errors)


_ORIGINAL = DynamoDBBackend.transact_write_items


def apply() -> None:
    """Make every moto DynamoDB backend in this process use the flat-cost transaction (idempotent)."""
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def applied() -> bool:
    return DynamoDBBackend.transact_write_items is transact_write_items


def undo_patch() -> None:
    """moto's own transaction again (for measuring the difference)."""
    DynamoDBBackend.transact_write_items = _ORIGINAL  # type: ignore[method-assign]
