"""One token mechanism for every emailed link.

A token is 256 random bits, shown once (in the email) and stored only as its SHA-256 hash,
with a purpose, an expiry, a use limit and the data the link acts on. Unknown, expired, used-up
and wrong-purpose tokens are indistinguishable to callers: all give None.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, hashing, keys, store


@dataclass(frozen=True)
class Token:
    purpose: str
    data: dict[str, Any]
    uses: int
    max_uses: int
    expires_at: int


def hash_token(raw: str) -> str:
    return hashing.digest(raw)


def issue_token(purpose: str, data: dict[str, Any], *, ttl: timedelta,
                max_uses: int = 1_000_000) -> str:
    """Create a token for `purpose` carrying `data`; return the raw value for the link."""
    raw = secrets.token_urlsafe(32)
    expires = int((clock.now() + ttl).timestamp())
    store.put(
        {
            **keys.token(hash_token(raw)),
            "purpose": purpose,
            "data": data,
            "uses": 0,
            "max_uses": max_uses,
            keys.TTL_ATTRIBUTE: expires,
            "created_at": clock.iso(clock.now()),
        }
    )
    return raw


def issue_tokens(purpose: str, data: list[dict[str, Any]], *, ttl: timedelta,
                 max_uses: int = 1_000_000) -> list[str]:
    """`issue_token` for many links at once (25 stored a request); the raw values, in order."""
    raws = [secrets.token_urlsafe(32) for _ in data]
    now = clock.now()
    store.put_many([{**keys.token(hash_token(raw)), "purpose": purpose, "data": one, "uses": 0,
                     "max_uses": max_uses, keys.TTL_ATTRIBUTE: int((now + ttl).timestamp()),
                     "created_at": clock.iso(now)}
                    for raw, one in zip(raws, data, strict=True)])
    return raws


def _valid_shape(raw: str) -> bool:
    # token_urlsafe(32) gives 43 characters; refuse anything else before touching the table.
    return 20 <= len(raw) <= 100 and all(c.isalnum() or c in "-_" for c in raw)


def peek(raw: str, purpose: str) -> Token | None:
    """The token if it is valid for `purpose` now, without using it up."""
    if not _valid_shape(raw):
        return None
    item = store.get(keys.token(hash_token(raw)))
    if not item or item.get("purpose") != purpose:
        return None
    token = Token(
        purpose=item["purpose"],
        data=item.get("data", {}),
        uses=int(item.get("uses", 0)),
        max_uses=int(item.get("max_uses", 1)),
        expires_at=int(item[keys.TTL_ATTRIBUTE]),
    )
    # DynamoDB TTL deletes lazily (up to days later): expiry is enforced here, not by TTL.
    if token.expires_at <= int(clock.now().timestamp()) or token.uses >= token.max_uses:
        return None
    return token


def redeem(raw: str, purpose: str) -> Token | None:
    """Use the token once, atomically: None if unknown, expired, used up or another purpose."""
    if not _valid_shape(raw):
        return None
    now = int(clock.now().timestamp())
    try:
        item = store.update(
            keys.token(hash_token(raw)),
            "SET uses = uses + :one, last_used_at = :at",
            condition="purpose = :purpose AND uses < max_uses AND #exp > :now",
            names={"#exp": keys.TTL_ATTRIBUTE},
            vals={":one": 1, ":purpose": purpose, ":now": now, ":at": clock.iso(clock.now())},
        )
    except store.ConditionFailed:
        return None
    if not item.get("purpose"):
        return None
    return Token(
        purpose=item["purpose"],
        data=item.get("data", {}),
        uses=int(item["uses"]),
        max_uses=int(item["max_uses"]),
        expires_at=int(item[keys.TTL_ATTRIBUTE]),
    )


def revoke(raw: str) -> None:
    store.delete(keys.token(hash_token(raw)))
