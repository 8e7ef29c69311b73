"""When a reminder is due: a day before the start, or soon for an event less than a day away."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.registration import reminders

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reminders.clock, "now", lambda: NOW)


def test_a_day_before_the_start_in_utc() -> None:
    assert reminders.reminder_time("2030-03-09T10:00:00+00:00") == "2030-03-08T10:00:00"
    assert reminders.reminder_time("2030-07-09T10:00:00+01:00") == "2030-07-08T09:00:00"


def test_an_event_less_than_a_day_away_is_reminded_shortly() -> None:
    assert reminders.reminder_time("2030-03-01T18:00:00+00:00") == "2030-03-01T12:01:00"


def test_no_reminder_once_the_event_has_begun() -> None:
    assert reminders.reminder_time("2030-03-01T12:00:00+00:00") is None
