"""Emailed-link tokens: random, hashed at rest, expiring, limited in use, purpose-bound."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import boto3
import pytest

from chalicelib.core import clock, tokens


def _all_items(table: str) -> list[dict[str, Any]]:
    # Test-only inspection of what is at rest; application code never scans.
    return boto3.client("dynamodb").scan(TableName=table)["Items"]


def test_token_is_stored_only_as_its_hash(deployed: Any, aws_calls: Any) -> None:
    raw = tokens.issue_token("manage", {"event_id": "e1"}, ttl=timedelta(days=1))

    items = _all_items(deployed.environment["TABLE_NAME"])
    aws_calls.calls.clear()  # the scan above is the test's own look at the table
    assert len(raw) >= 43  # 256 random bits, url-safe
    assert raw not in repr(items)
    assert tokens.hash_token(raw) in repr(items)


def test_token_works_for_its_purpose_until_its_uses_run_out(deployed: Any) -> None:
    raw = tokens.issue_token("slides", {"file": "f1"}, ttl=timedelta(days=7), max_uses=2)

    assert tokens.peek(raw, "manage") is None
    first = tokens.redeem(raw, "slides")
    second = tokens.redeem(raw, "slides")
    third = tokens.redeem(raw, "slides")

    assert first is not None and first.data == {"file": "f1"} and first.uses == 1
    assert second is not None and second.uses == 2
    assert third is None
    assert tokens.peek(raw, "slides") is None


def test_expired_unknown_and_malformed_tokens_look_the_same(deployed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tokens.issue_token("manage", {}, ttl=timedelta(hours=1))
    later = clock.now() + timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)

    assert tokens.peek(raw, "manage") is None
    assert tokens.redeem(raw, "manage") is None
    assert tokens.redeem("A" * 43, "manage") is None
    assert tokens.redeem("../../etc/passwd", "manage") is None


def test_two_tokens_never_collide(deployed: Any) -> None:
    issued = {tokens.issue_token("manage", {}, ttl=timedelta(minutes=5)) for _ in range(50)}
    assert len(issued) == 50
