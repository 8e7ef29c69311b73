"""Calendar invites (RFC 5545 / iTIP), built with icalendar: REQUEST when a place is confirmed,
CANCEL when given up.

Times are written in the event's own time zone (TZID plus a VTIMEZONE of the zone's rules around
the event), so calendars show the local time the organisers announced. The UID is stable per
registration, so a later CANCEL replaces the earlier REQUEST in the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import vCalAddress

PRODID = "-//CofEe Club//clubflow//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
# The VTIMEZONE holds the zone's changes from a year before the event to a year after it.
ZONE_MARGIN = timedelta(days=366)


@dataclass(frozen=True)
class Invite:
    uid: str
    method: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    description: str
    url: str
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str
    stamp: datetime


def build(invite: Invite) -> bytes:
    """The .ics file for one attendee: VCALENDAR with a VTIMEZONE and one VEVENT, CRLF lines."""
    # icalendar takes a quarter of a second to import: only the mail worker that sends pays it.
    from icalendar import Calendar, Event, Timezone

    zone = ZoneInfo(invite.timezone)
    cancelled = invite.method == CANCEL
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invite.method)
    calendar.add_component(Timezone.from_tzinfo(
        zone, tzid=invite.timezone,
        first_date=(invite.starts_at - ZONE_MARGIN).date(),
        last_date=(invite.ends_at + ZONE_MARGIN).date(),
    ))

    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", invite.stamp)
    event.add("dtstart", invite.starts_at.astimezone(zone))
    event.add("dtend", invite.ends_at.astimezone(zone))
    event.add("sequence", invite.sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", invite.title)
    event.add("location", invite.location)
    event.add("description", invite.description)
    if invite.url:
        event.add("url", invite.url)
    event.add("organizer", _person(invite.organizer_email, invite.organizer_name))
    event.add("attendee", _person(
        invite.attendee_email, invite.attendee_name, ROLE="REQ-PARTICIPANT",
        PARTSTAT="DECLINED" if cancelled else "ACCEPTED", RSVP="FALSE",
    ))
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    # In the order written above: calendars do not care, people reading the file do.
    return calendar.to_ical(sorted=False)


def _person(address: str, name: str, **params: str) -> vCalAddress:
    from icalendar import vCalAddress

    person = vCalAddress(mailto(address))
    person.params["CN"] = display_name(name)
    for key, value in params.items():
        person.params[key] = value
    return person


def display_name(value: str) -> str:
    """A name fit for a CN parameter: no quotes (a parameter cannot hold one), no line breaks."""
    cleaned = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value if c != '"')
    return " ".join(cleaned.split())


def mailto(address: str) -> str:
    # Addresses were validated on the way in; keep anything odd out of the URI regardless.
    return "mailto:" + "".join(c for c in address if not c.isspace() and c not in ';:,"<>')
