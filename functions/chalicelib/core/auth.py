"""Organiser keys: random, shown once, stored as a SHA-256 hash; checked by an authorizer.

The authorizer never raises (locally a raise drops the connection): a missing key is refused
by API Gateway itself (401), a wrong or revoked one gets an empty policy (403).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from chalice import AuthResponse
from chalice.app import AuthRequest

from chalicelib.core import clock, hashing, keys, store

KEY_PREFIX = "cfk_"
# API Gateway caches an authorizer's answer per key; keep it short so a revoked key stops
# working within a minute.
AUTH_CACHE_SECONDS = 30


@dataclass(frozen=True)
class Organiser:
    key_id: str
    email: str
    created_at: str
    revoked: bool


def add_organiser(email: str, raw_key: str | None = None) -> tuple[str, Organiser]:
    """Create a key for `email`; return the raw key (to show once) and its record."""
    raw = raw_key or KEY_PREFIX + secrets.token_urlsafe(32)
    digest = hashing.digest(raw)
    created = clock.iso(clock.now())
    store.put({
        **keys.organiser_key(digest),
        **keys.organiser_listing(email, created),
        "email": email,
        "key_id": digest[:12],
        "created_at": created,
        "revoked": False,
    })
    return raw, Organiser(digest[:12], email, created, False)


def list_organisers() -> list[Organiser]:
    return [
        Organiser(item["key_id"], item["email"], item["created_at"], bool(item.get("revoked")))
        for item in store.query(keys.ORGANISER_LISTING_PK, index=keys.GSI1)
    ]


def revoke(key_id_or_email: str) -> int:
    """Revoke every key whose id or owner matches; return how many were revoked."""
    count = 0
    for item in store.query(keys.ORGANISER_LISTING_PK, index=keys.GSI1):
        if key_id_or_email in (item["key_id"], item["email"]) and not item.get("revoked"):
            store.update({"pk": item["pk"], "sk": item["sk"]}, "SET revoked = :yes",
                         vals={":yes": True})
            count += 1
    return count


def is_organiser(email: str) -> bool:
    """Whether `email` holds a live (unrevoked) key: who may sign in to the console, and stay so."""
    return any(item.get("email") == email and not item.get("revoked") for item in store.query(
        keys.ORGANISER_LISTING_PK, index=keys.GSI1, sk_prefix=keys.organiser_listing_prefix(email)))


def organiser_for(raw: str) -> str | None:
    """The organiser's email if `raw` is a live key."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    item = store.get(keys.organiser_key(hashing.digest(raw)))
    if not item or item.get("revoked"):
        return None
    return str(item["email"])


def authorize(auth_request: AuthRequest) -> AuthResponse:
    scheme, _, raw = (auth_request.token or "").partition(" ")
    email = organiser_for(raw.strip()) if scheme.lower() == "bearer" else None
    if email is None:
        return AuthResponse(routes=[], principal_id="anonymous")
    return AuthResponse(routes=["*"], principal_id=email)
