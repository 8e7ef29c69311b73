"""Limits, so that no client takes the seats and no public form floods an inbox.

Per client: every public POST counts against its source address, per route, in a fixed window
(`CLUBFLOW_RATE_LIMITS`, e.g. 20/600; `off` for load tests); over it, 429 with Retry-After. The
registration route folds its count into its own transaction (`counter_op`), so a registration
still costs one request; every other route is counted by the route wrapper (core/web) before
its view runs.

Per address: hourly limits on requests that send email to whatever address was typed. Each is
a plain conditional counter with a TTL (not one transaction: a busy shared counter would make
concurrent transactions conflict). Addresses, of clients and of mail, are counted by a keyed
digest (core/hashing), never stored in the clear. Counters keyed before keyed digests came in
are not carried over: they expire within two windows, and until then count from zero again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.core import clock, errors, hashing, keys, store
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    from chalice.app import Request

_COUNTED_BY_VIEW = "__counts_its_own_requests__"
# Routes anyone may post to without a key; organiser routes (the API's and the signed-in
# console's) and the local stack's are not counted. Asking for a console sign-in link is public.
_UNCOUNTED_PREFIXES = ("/admin", "/_dev", "/console")
_COUNTED_PREFIXES = ("/console/sign-in",)


def applies(method: str, path: str) -> bool:
    """Whether a request to this route counts against its client's limit."""
    public = not path.startswith(_UNCOUNTED_PREFIXES) or path.startswith(_COUNTED_PREFIXES)
    return method == "POST" and public and get_settings().client_limit is not None


def counts_itself(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that counts its client within its own transaction (see `counter_op`)."""
    setattr(view, _COUNTED_BY_VIEW, True)
    return view


def counted_by_view(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, _COUNTED_BY_VIEW, False))


def client(request: Request) -> str:
    """The client's source address, as API Gateway (or the local server) saw it."""
    return str((request.context.get("identity") or {}).get("sourceIp") or "unknown")


@dataclass(frozen=True)
class Allowance:
    """One request counted against `client` for `route`: the counter's transaction item, and
    when its window ends."""

    operation: store.Operation
    retry_after: int

    def refuse(self) -> errors.TooManyRequests:
        return errors.TooManyRequests(self.retry_after)


def counter_op(client_address: str, route: str) -> Allowance | None:
    """The write that counts one request of this client on this route (None when limits are off);
    its condition fails once the window's limit is reached."""
    limit = get_settings().client_limit
    if limit is None:
        return None
    count, seconds = limit
    now = int(clock.now().timestamp())
    start = now - now % seconds
    operation = store.update_op(
        keys.rate_window("client", hashing.keyed_digest(route, client_address), str(start)),
        "SET #exp = :exp ADD #count :one",
        "attribute_not_exists(#count) OR #count < :limit",
        names={"#count": "count", "#exp": keys.TTL_ATTRIBUTE},
        vals={":one": 1, ":limit": count, ":exp": start + 2 * seconds},
    )
    return Allowance(operation, max(1, start + seconds - now))


def admit(client_address: str, route: str) -> None:
    """Count one request; raise TooManyRequests once this client is over its limit here."""
    allowance = counter_op(client_address, route)
    if allowance is None:
        return
    (_, spec), = allowance.operation.items()
    try:
        store.update(spec["Key"], spec["UpdateExpression"], condition=spec["ConditionExpression"],
                     names=spec["ExpressionAttributeNames"], vals=spec["ExpressionAttributeValues"],
                     return_values="NONE")
    except store.ConditionFailed:
        raise allowance.refuse() from None


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
