"""`clubflow events show` names places offered near the start only while there are any."""

from __future__ import annotations

from clubflow.commands.events import describe_event

EVENT = {"event_id": "data-1a2b3c", "title": "Data communities", "number": 61, "timezone": "Europe/London",
         "starts_at": "2030-05-14T09:00:00+00:00", "ends_at": "2030-05-14T15:00:00+00:00",
         "venue": "London", "host": "Ofgem", "capacity": 20}


def test_open_offers_are_counted_beside_the_rest() -> None:
    counts = {"confirmed": 18, "waitlisted": 3, "cancelled": 2, "attended": 0, "offered": 2}
    shown = describe_event({**EVENT, "counts": counts})
    assert shown.splitlines()[-1].strip() == "18 confirmed, 3 waitlisted, 2 cancelled, 0 attended, 2 offered"


def test_no_offers_reads_as_before() -> None:
    counts = {"confirmed": 20, "waitlisted": 0, "cancelled": 0, "attended": 0, "offered": 0}
    shown = describe_event({**EVENT, "counts": counts})
    assert shown.splitlines()[-1].strip() == "20 confirmed, 0 waitlisted, 0 cancelled, 0 attended"
