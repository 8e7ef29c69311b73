"""Sends are spaced at the account's rate, slow down when SES throttles, and stop before the
invocation runs out (as a throttle, so the batch is retried rather than anyone lost)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import pacing
from chalicelib.core.pacing import Pacer


class Clock:
    """A monotonic clock that moves only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def throttle() -> ClientError:
    return ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded."}},
                       "SendEmail")


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    pacer = Pacer(rate=10.0, clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(pacing, "_pacer", lambda: pacer)
    return clock


def test_sends_are_spaced_at_the_rate() -> None:
    clock = Clock()
    pacer = Pacer(rate=4.0, clock=clock, sleep=clock.sleep)

    starts = []
    for _ in range(5):
        pacer.wait()
        starts.append(clock.now)

    assert [round(t - starts[0], 3) for t in starts] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_a_throttle_halves_the_rate_and_backs_off() -> None:
    clock = Clock()
    pacer = Pacer(rate=8.0, clock=clock, sleep=clock.sleep)
    pacer.wait()

    pacer.throttled(attempt=2)
    before = clock.now
    pacer.wait()

    assert pacer.rate == 4.0
    assert 1.0 <= clock.now - before <= 2.0  # 0.5 * 2**2 seconds, with jitter down to half


def test_no_send_starts_after_the_deadline_and_it_fails_as_a_throttle() -> None:
    clock = Clock()
    pacer = Pacer(rate=2.0, clock=clock, sleep=clock.sleep, deadline=clock.now + 0.9)
    pacer.wait()
    pacer.wait()  # at +0.5

    with pytest.raises(ClientError) as raised:
        pacer.wait()  # +1.0 is past the deadline

    assert raised.value.response["Error"]["Code"] == "Throttling"
    assert clock.now == pytest.approx(100.5)  # it did not sleep towards a slot it cannot use


def test_paced_retries_a_throttled_send_and_sends_it_once(clock: Clock) -> None:
    answers: list[Any] = [throttle(), throttle(), "message-id"]
    calls = []

    def send() -> str:
        calls.append(clock.now)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return str(answer)

    assert pacing.paced(send) == "message-id"
    assert len(calls) == 3
    assert calls[1] > calls[0] and calls[2] > calls[1]


def test_paced_gives_up_after_its_attempts_with_the_throttle(clock: Clock) -> None:
    calls = []

    def send() -> str:
        calls.append(clock.now)
        raise throttle()

    with pytest.raises(ClientError, match="Maximum sending rate"):
        pacing.paced(send)
    assert len(calls) == pacing.ATTEMPTS


def test_any_other_error_is_not_retried(clock: Clock) -> None:
    calls = []

    def send() -> str:
        calls.append(1)
        raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."}},
                          "SendEmail")

    with pytest.raises(ClientError, match="not verified"):
        pacing.paced(send)
    assert calls == [1]


def test_each_concurrent_sender_takes_its_part_of_the_bulk_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_SEND_RATE", "14")
    monkeypatch.setenv("MAIL_SENDERS", "2")

    assert pacing.send_rate() == pytest.approx(14 * pacing.BULK_SHARE / 2)
