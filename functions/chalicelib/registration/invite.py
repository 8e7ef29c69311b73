"""Calendar invites (RFC 5545 / iTIP): REQUEST when a place is confirmed, CANCEL when given up.

Times are written in the event's own time zone (TZID plus a VTIMEZONE built from the IANA
rules around the event), so calendars show the local time the organisers announced. The UID is
stable per registration, so a later CANCEL replaces the earlier REQUEST in the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PRODID = "-//CofEe Club//clubflow//EN"
LINE_LIMIT = 75  # octets per line, CRLF excluded (RFC 5545 3.1)
REQUEST = "REQUEST"
CANCEL = "CANCEL"


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


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "\\n")


def quote_param(value: str) -> str:
    """A parameter value (e.g. CN): quoted; quotes and control characters cannot appear in it."""
    cleaned = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in value if c != '"')
    return f'"{" ".join(cleaned.split())}"'


def mailto(address: str) -> str:
    # Addresses were validated on the way in; keep anything odd out of the URI regardless.
    return "mailto:" + "".join(c for c in address if not c.isspace() and c not in ';:,"<>')


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= LINE_LIMIT:
        return line
    parts: list[bytes] = []
    limit = LINE_LIMIT
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # a continuation byte: step back
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = LINE_LIMIT - 1  # continuation lines start with a space
    parts.append(data)
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _state(zone: ZoneInfo, moment: datetime) -> tuple[timedelta, timedelta, str]:
    local = moment.astimezone(zone)
    return (local.utcoffset() or timedelta(0), local.dst() or timedelta(0), local.tzname() or "")


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end] at which the zone's offset or name changes."""
    found = []
    day = start
    while day < end:
        following = day + timedelta(days=1)
        if _state(zone, day) != _state(zone, following):
            low, high = day, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == _state(zone, low):
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        day = following
    return found


def vtimezone(zone_name: str, start: datetime, end: datetime) -> list[str]:
    """A VTIMEZONE with the zone's observances from a year before `start` to a year after `end`."""
    zone = ZoneInfo(zone_name)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone_name}"]
    changes = _transitions(zone, start - timedelta(days=366), end + timedelta(days=366))
    if not changes:
        offset, dst, name = _state(zone, start)
        kind = "DAYLIGHT" if dst else "STANDARD"
        lines += [f"BEGIN:{kind}", "DTSTART:19700101T000000", f"TZOFFSETFROM:{_offset(offset)}",
                  f"TZOFFSETTO:{_offset(offset)}", f"TZNAME:{escape_text(name)}", f"END:{kind}"]
    for change in changes:
        before, _, _ = _state(zone, change - timedelta(minutes=1))
        after, dst, name = _state(zone, change)
        kind = "DAYLIGHT" if dst else "STANDARD"
        # An observance's DTSTART is the wall-clock time just before the change.
        onset = (change + before).replace(tzinfo=None).strftime("%Y%m%dT%H%M%S")
        lines += [f"BEGIN:{kind}", f"DTSTART:{onset}", f"TZOFFSETFROM:{_offset(before)}",
                  f"TZOFFSETTO:{_offset(after)}", f"TZNAME:{escape_text(name)}", f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return lines


def build(invite: Invite) -> bytes:
    """The .ics file for one attendee: VCALENDAR with a VTIMEZONE and one VEVENT, CRLF lines."""
    zone = ZoneInfo(invite.timezone)
    cancelled = invite.method == CANCEL
    tzid = f"TZID={invite.timezone}"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{invite.method}",
        *vtimezone(invite.timezone, invite.starts_at, invite.ends_at),
        "BEGIN:VEVENT",
        f"UID:{invite.uid}",
        f"DTSTAMP:{_utc(invite.stamp)}",
        f"DTSTART;{tzid}:{_local(invite.starts_at, zone)}",
        f"DTEND;{tzid}:{_local(invite.ends_at, zone)}",
        f"SEQUENCE:{invite.sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(invite.title)}",
        f"LOCATION:{escape_text(invite.location)}",
        f"DESCRIPTION:{escape_text(invite.description)}",
        *([f"URL:{invite.url}"] if invite.url else []),
        f"ORGANIZER;CN={quote_param(invite.organizer_name)}:{mailto(invite.organizer_email)}",
        f"ATTENDEE;CN={quote_param(invite.attendee_name)};ROLE=REQ-PARTICIPANT;"
        f"PARTSTAT={'DECLINED' if cancelled else 'ACCEPTED'};RSVP=FALSE:{mailto(invite.attendee_email)}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
