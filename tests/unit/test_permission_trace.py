"""The permission trace's reading of a call: the IAM actions it needs, and what a failure says."""

from __future__ import annotations

from typing import Any

from tests import permissions


def test_a_transaction_needs_the_action_of_each_item() -> None:
    params: dict[str, Any] = {"TransactItems": [{"Put": {}}, {"ConditionCheck": {}}, {"Update": {}}]}

    assert permissions.actions_of("dynamodb", "TransactWriteItems", params) == {
        "dynamodb:PutItem", "dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"}


def test_operations_authorised_under_another_name() -> None:
    assert permissions.actions_of("s3", "HeadObject", {}) == {"s3:GetObject"}
    assert permissions.actions_of("sesv2", "SendEmail", {}) == {"ses:SendEmail"}
    assert permissions.actions_of("scheduler", "CreateSchedule", {"Target": {"RoleArn": "arn:role"}}) == {
        "scheduler:CreateSchedule", "iam:PassRole"}


def test_a_call_outside_any_handler_is_nobody_s() -> None:
    trace = permissions.Trace()

    trace.note("dynamodb", "Scan", {})

    assert trace.used == {} and trace.missing == []


def test_a_call_the_role_does_not_allow_names_the_action_and_the_role() -> None:
    from chalicelib.core import organiser_auth

    trace = permissions.Trace()
    original = organiser_auth.authorize
    try:
        organiser_auth.authorize = lambda _: trace.note("dynamodb", "Query", {})  # type: ignore[assignment,return-value]
        organiser_auth.organiser_auth.func(None)
    finally:
        organiser_auth.authorize = original

    assert trace.missing == ["OrganiserAuth called dynamodb:Query, which its role does not allow: add "
                             "`dynamodb:Query` to OrganiserAuthRole's policy in stacks/app.yaml"]


def test_an_unused_grant_names_the_action_and_the_role() -> None:
    problems = permissions.unused({"OrganiserAuth": set()})

    assert ("OrganiserAuthRole grants dynamodb:GetItem, which OrganiserAuth never called in the integration "
            "tests: remove it from OrganiserAuthRole's policy in stacks/app.yaml (or add a test that makes "
            "that call)") in problems
