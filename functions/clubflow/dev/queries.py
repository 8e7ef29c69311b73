"""moto's Query on a table's own key at the cost of the partition it reads, not of the table.

moto (5.2) answers every Query by listing and sorting every item of the table
(`Table.all_items`) and then keeping those of the partition asked for. So each page of a walk
over an event's registrations cost in proportion to everything the table held: a report run's
walks, a Query for each 1,000 people, took 1.1 ms a recipient at 1,000 recipients and 2.4 ms at
10,000 (28 pages, 0.86 s each, on a table of some 60,000 items), and the event pages and the
console slowed down as a season's data grew.

`apply()` leaves `Table.query` as it is; while it answers a query on the table's own key, the
items it lists are that partition's (which it then sorts by sort key, as before), so the answer
is the same. A query on an index still lists the whole table: an index's partition is
not kept apart in moto, and the app's index queries read small partitions of small tables.

Offered upstream as (moto/dynamodb/models/table.py, `Table.query`): for a query without an
index, read `self.items.get(hash_key, {}).values()` (sorted by range key just after, as now)
instead of filtering `self.all_items()` by hash key.
"""

from __future__ import annotations

import threading
from typing import Any

_state = threading.local()
_applied: list[bool] = []
_every_item: Any = None  # moto's own Table.all_items


def apply() -> None:
    global _every_item
    if _applied:
        return
    from moto.dynamodb.models.table import Table

    _every_item = Table.all_items
    every_query = Table.query

    def all_items(self: Table) -> list[Any]:
        partition = getattr(_state, "partition", None)
        if partition is None:
            return _every_item(self)
        return partition_items(self, partition)

    def query(self: Table, hash_key: Any, range_comparison: Any, range_objs: Any, limit: Any,
              exclusive_start_key: Any, scan_index_forward: Any, projection_expressions: Any,
              index_name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        _state.partition = hash_key if not index_name and hash_key is not None else None
        try:
            return every_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                               scan_index_forward, projection_expressions, index_name, *args, **kwargs)
        finally:
            _state.partition = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    _applied.append(True)


def partition_items(table: Any, hash_key: Any) -> list[Any]:
    """One partition's items, the others unread (Table.query sorts what it is given by sort key)."""
    found = table.items.get(hash_key)  # .get: the table's defaultdict would add the partition
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]
