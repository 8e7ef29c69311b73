"""`clubflow organisers` against a deployed stack's table (moto standing in for AWS)."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest

from chalicelib.core.auth import organiser_for
from clubflow.cli import main
from clubflow.dev import template


def deploy_table_stack(name: str) -> str:
    """A stack with the table and the TableName output exactly as stacks/app.yaml declares them
    (what `sam deploy` creates); return the table's name."""
    full = template.load()
    body = {"Resources": {"Table": full["Resources"]["Table"]},
            "Outputs": {"TableName": full["Outputs"]["TableName"]}}
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(body))
    (stack,) = cloudformation.describe_stacks(StackName=name)["Stacks"]
    return next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "TableName")


def test_a_key_added_by_stack_name_opens_admin_until_revoked(
    deployed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    table = deploy_table_stack("clubflow-prod")
    assert main(["organisers", "add", " Ann@Example.com ", "--stack", "clubflow-prod"]) == 0
    key = capsys.readouterr().out.strip()
    assert os.environ["TABLE_NAME"] == table
    assert organiser_for(key) == "ann@example.com"

    assert main(["organisers", "list", "--json", "--table", table]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["email"] == "ann@example.com"
    assert listed["revoked"] is False

    assert main(["organisers", "revoke", "ann@example.com", "--table", table]) == 0
    assert "Revoked 1 key" in capsys.readouterr().out
    assert organiser_for(key) is None


def test_an_unknown_stack_is_named_in_one_line(
    deployed: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["organisers", "list", "--stack", "no-such-stack"]) == 2
    assert "cannot read stack no-such-stack" in capsys.readouterr().err
