"""One source of 'now', in UTC, so tests and the local stack can reason about time."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with offset and seconds precision, sortable as a string."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("time needs an offset, e.g. 2026-03-12T10:00:00+00:00")
    return moment.astimezone(UTC)
