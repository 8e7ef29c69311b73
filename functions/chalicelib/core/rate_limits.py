"""Hourly limits on requests that send email to whatever address was typed, so a public form
cannot be used to flood an inbox. Each limit is a plain conditional counter with a TTL (not one
transaction: a busy shared counter would make concurrent transactions conflict). An address is
counted by its `hashing.email_digest`, so strangers' addresses are not stored in the clear."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core import clock, keys, store


def within_hourly_limits(limits: list[tuple[str, str, int]]) -> bool:
    """Count one request against each (scope, subject, limit); False once any limit is reached."""
    now = clock.now()
    window = now.strftime("%Y-%m-%dT%H")
    expires = int((now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)).timestamp())
    for scope, subject, limit in limits:
        try:
            store.update(
                keys.rate_window(scope, subject, window),
                "SET #exp = :exp ADD #count :one",
                condition="attribute_not_exists(#count) OR #count < :limit",
                names={"#count": "count", "#exp": keys.TTL_ATTRIBUTE},
                vals={":one": 1, ":limit": limit, ":exp": expires},
                return_values="NONE",
            )
        except store.ConditionFailed:
            return False
    return True
