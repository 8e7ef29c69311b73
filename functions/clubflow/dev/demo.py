"""Demo data for `clubflow dev --demo`: Event 48 of the club's series and the seed's three polls.

It is loaded through the organiser API, as an organiser would load it, so the demo always shows
what the API really stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clubflow.api import Api
from clubflow.cli import CommandError

TIMEZONE = "Europe/London"

EVENT_48 = {
    "title": "Communities of Practice",
    "number": 48,
    "timezone": TIMEZONE,
    "venue": "Close Brothers, 10 Crown Place, London EC2A 4FT",
    "host": "Close Brothers",
    "capacity": 60,
    "description": (
        "What is a Community of Practice, really? Is it a worthwhile investment for individuals, "
        "their networks and their organisations? A day of talks, an expert Q&A panel and "
        "workshops on Centres of Excellence, Professions and Communities of Practice."
    ),
}

POLLS = [
    {
        "question": "What type of entity is your organisation supporting or trying to achieve?",
        "kind": "single",
        "options": ["Communities of Practice", "Profession", "Centres of Excellence"],
    },
    {
        "question": "How appropriate would you rate your organisation's approach to developing "
                    "or nurturing their chosen entity?",
        "kind": "single",
        "options": ["No adjustment required", "Low levels of adjustment",
                    "Medium levels of adjustment", "High levels of adjustment"],
    },
    {
        "question": "On a scale of 1 to 10 (1 being poor and 10 being perfect), how would you rate "
                    "your organisation's approach to developing the entity?",
        "kind": "rating",
        "scale": {"min": 1, "max": 10, "min_label": "poor", "max_label": "perfect"},
    },
]


@dataclass
class Loaded:
    event_id: str
    poll_ids: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def event_day(today: date) -> date:
    """A Thursday four to five weeks away: upcoming, so it is listed and open for registration."""
    day = today + timedelta(weeks=4)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def load(api: Api, today: date) -> Loaded:
    """Create Event 48, then its polls; a refused poll stops the polls, is reported, and is not
    fatal (the event is still there to try)."""
    zone = ZoneInfo(TIMEZONE)
    day = event_day(today)
    event = {
        **EVENT_48,
        "starts_at": datetime.combine(day, time(10, 0), zone).isoformat(),
        "ends_at": datetime.combine(day, time(16, 0), zone).isoformat(),
    }
    loaded = Loaded(event_id=api.call("POST", "/admin/events", event)["event_id"])
    for poll in POLLS:
        try:
            created = api.call("POST", f"/admin/events/{loaded.event_id}/polls", poll)
        except CommandError as error:
            loaded.problems.append(f"polls not loaded: {error}")
            break
        loaded.poll_ids.append(created["poll_id"])
    return loaded
