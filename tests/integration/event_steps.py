"""The event most integration tests start from: Event 48, hosted by Close Brothers, in 2030."""

from __future__ import annotations

NEW_EVENT = {
    "title": "Communities of Practice",
    "number": 48,
    "starts_at": "2030-03-09T10:00:00+00:00",
    "ends_at": "2030-03-09T16:00:00+00:00",
    "timezone": "Europe/London",
    "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers",
    "capacity": 40,
}
