"""A bus that is down: every PutEvents (or those carrying given domain events) fails on the real
client, as an unreachable endpoint does, until it recovers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class BusDown:
    """Makes PutEvents fail as an unreachable endpoint does, until `recover()`; given `only`,
    just the calls that carry one of those detail-types; given `times`, that many calls at most."""

    EVENT = "before-parameter-build.events.PutEvents"

    def __init__(self, only: Iterable[str] = (), times: int | None = None) -> None:
        from chalicelib.core import aws

        self.client = aws.events()
        self.only = frozenset(only)
        self.times = times
        self.refused = 0
        self.client.meta.events.register(self.EVENT, self._refuse)

    def _refuse(self, params: dict[str, Any], **_: Any) -> None:
        from botocore.exceptions import EndpointConnectionError

        if self.only and not self.only & {entry.get("DetailType") for entry in params.get("Entries", [])}:
            return
        if self.times is not None and self.refused >= self.times:
            return
        self.refused += 1
        raise EndpointConnectionError(endpoint_url="https://events.eu-west-2.amazonaws.com/")

    def recover(self) -> None:
        self.client.meta.events.unregister(self.EVENT, self._refuse)
