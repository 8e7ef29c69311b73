"""Sending at the pace SES allows: bulk sends (the report) wait for their slot, and a throttled
send backs off and is tried again within the batch instead of failing it.

The account's rate comes from SES (`GetAccount`, cached for a few minutes) and is shared: each
of the report consumer's concurrent senders (MAIL_SENDERS, its MaximumConcurrency) takes an
equal part of a share, and what is left is for the transactional mail other functions send.
A send is never started when the invocation could end before it settles: it fails as a throttle
would, before anything left, so its batch is retried later and nobody is lost or sent twice.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import aws
from chalicelib.core.observability import logger

T = TypeVar("T")

# The report's part of the account's send rate; the rest stays for confirmations and reminders.
BULK_SHARE = 0.8
# Ask SES again this often: a raised quota takes effect without a redeploy.
RATE_TTL_SECONDS = 600
# A new account's rate in the SES sandbox, used when the account cannot be asked.
FALLBACK_RATE = 1.0
# Tries of one send while SES throttles, and the longest back-off between them.
ATTEMPTS = 5
MAX_BACKOFF_SECONDS = 8.0
# Kept free at the end of an invocation to record the last outcome and report the batch.
SAFETY_SECONDS = 15.0
THROTTLED = frozenset({"TooManyRequestsException", "Throttling", "ThrottlingException",
                       "LimitExceededException"})


@dataclass
class Pacer:
    """Spaces calls `1 / rate` seconds apart; halves its rate whenever SES throttles."""

    rate: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    deadline: float | None = None  # clock() time by which no new send may start
    _next: float = field(default=0.0, init=False)

    def wait(self) -> None:
        """Sleep until the next slot, or raise a throttle if it falls after the deadline."""
        now = self.clock()
        start = max(now, self._next)
        if self.deadline is not None and start > self.deadline:
            raise out_of_time()
        if start > now:
            self.sleep(start - now)
        self._next = start + 1.0 / self.rate

    def throttled(self, attempt: int) -> None:
        """SES refused a send as too fast: slow down for good, then back off before the next try."""
        self.rate = max(self.rate / 2, 0.1)
        backoff = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** attempt) * random.uniform(0.5, 1.0)
        self._next = max(self._next, self.clock() + backoff)


def out_of_time() -> ClientError:
    # Shaped as SES's own throttle, so the caller treats it the same way: nothing was sent,
    # undo the claim, and let the queue deliver the batch again.
    return ClientError({"Error": {"Code": "Throttling",
                                  "Message": "no time left in this invocation to send at the account's rate"}},
                       "SendEmail")


def paced(send: Callable[[], T]) -> T:
    """Run `send` (one SES send) in its slot; retry it while SES throttles, then raise the throttle."""
    pacer = _pacer()
    for attempt in range(ATTEMPTS):
        pacer.wait()
        try:
            return send()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code not in THROTTLED or attempt == ATTEMPTS - 1:
                raise
            logger.warning("SES throttled a send; slowing down", extra={"rate": pacer.rate, "attempt": attempt})
            pacer.throttled(attempt)
    raise AssertionError("unreachable")  # the loop returns or raises


def start_invocation(context: Any) -> None:
    """Stop starting sends `SAFETY_SECONDS` before this Lambda invocation's time runs out.

    Cheap and asks SES nothing: consumers that never send in bulk pay nothing for it.
    """
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    deadline = time.monotonic() + remaining() / 1000 - SAFETY_SECONDS if callable(remaining) else None
    _state["deadline"] = deadline
    if "pacer" in _state:
        _state["pacer"].deadline = deadline


def send_rate() -> float:
    """This sender's part of the account's SES send rate, in emails a second."""
    senders = max(1, int(os.environ.get("MAIL_SENDERS", "1")))
    return account_rate() * BULK_SHARE / senders


def account_rate() -> float:
    """The account's maximum send rate: MAIL_SEND_RATE if set (the local stack), else SES's."""
    configured = os.environ.get("MAIL_SEND_RATE")
    if configured:
        return float(configured)
    try:
        quota = aws.sesv2().get_account()["SendQuota"]
        return float(quota["MaxSendRate"])
    except (BotoCoreError, ClientError, KeyError) as error:
        logger.error("could not read the account's SES send rate; sending at the sandbox rate",
                     extra={"error": str(error)})
        return FALLBACK_RATE


_state: dict[str, Any] = {}


def _pacer() -> Pacer:
    pacer: Pacer | None = _state.get("pacer")
    now = time.monotonic()
    if pacer is None or now - _state["read_at"] > RATE_TTL_SECONDS:
        pacer = Pacer(rate=send_rate(), deadline=_state.get("deadline"))
        _state.update(pacer=pacer, read_at=now)
    return pacer


def reset() -> None:
    """Forget the rate and the pace (tests, and the local stack when its settings change)."""
    _state.clear()
