"""The transaction helper's decisions: which cancellations are tried again, which item refused."""

from __future__ import annotations

import pytest

from chalicelib.core import store

FINE = {"Code": "None"}
CONFLICT = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
REFUSED = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
           "Item": {"pk": {"S": "EVENT#48"}, "sk": {"S": "EVENT"}, "confirmed": {"N": "50"}}}


@pytest.mark.parametrize("reasons", [[CONFLICT], [FINE, CONFLICT], [CONFLICT, FINE, CONFLICT]])
def test_a_transaction_cancelled_only_by_conflicts_is_tried_again(reasons: list[dict[str, str]]) -> None:
    assert store.conflicted(reasons)


@pytest.mark.parametrize("reasons", [
    [],
    [FINE, FINE],
    [REFUSED, CONFLICT],  # a refusal is the caller's answer, whatever else collided
    [CONFLICT, {"Code": "ThrottlingError"}],
    [{"Code": "ValidationError", "Message": "Item size has exceeded the maximum allowed size"}],
    [{"Code": "ProvisionedThroughputExceeded"}],
])
def test_any_other_cancellation_is_not_tried_again(reasons: list[dict[str, str]]) -> None:
    assert not store.conflicted(reasons)


def test_a_refusal_names_the_item_that_refused_and_what_it_held() -> None:
    refused = store.ConditionFailed([FINE, REFUSED])

    assert (refused.refused(0), refused.refused(1), refused.refused(2)) == (False, True, False)
    assert str(refused) == "condition failed at item 1"
    assert refused.old_item(1) == {"pk": "EVENT#48", "sk": "EVENT", "confirmed": 50}
    assert refused.old_item(0) is None


def test_items_carry_exactly_the_names_and_values_they_are_given() -> None:
    update = store.update_op({"pk": "EVENT#48", "sk": "EVENT"}, "SET #confirmed = #confirmed + :one",
                             "#confirmed < #capacity", names=store.names("confirmed", "capacity"),
                             vals={":one": 1})
    put = store.put_op({"pk": "A", "sk": "B"})

    assert update == {"Update": {
        "Key": {"pk": "EVENT#48", "sk": "EVENT"},
        "UpdateExpression": "SET #confirmed = #confirmed + :one",
        "ConditionExpression": "#confirmed < #capacity",
        "ExpressionAttributeNames": {"#confirmed": "confirmed", "#capacity": "capacity"},
        "ExpressionAttributeValues": {":one": 1},
    }}
    assert put == {"Put": {"Item": {"pk": "A", "sk": "B"}}}
