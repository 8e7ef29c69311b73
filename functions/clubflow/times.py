"""Times as organisers read them: in the event's time zone, with its abbreviation (18:30 EST),
or in UTC when asked (--utc). The API gives every time in UTC with an offset."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_of(name: str | None, utc: bool = False) -> tzinfo:
    """The event's zone (UTC when asked, or when the name is missing or unknown)."""
    if utc or not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse(moment: str | None) -> datetime | None:
    if not moment:
        return None
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _abbreviation(moment: datetime) -> str:
    # Zones without a letter abbreviation (Asia/Dubai) give "+04"; UTC gives "UTC".
    return moment.strftime("%Z") or moment.strftime("%z")


def moment(value: str | None, zone: str | None, utc: bool = False) -> str:
    """`2027-03-09 10:00 GMT`; the text as given when it is not a time, "" when missing."""
    parsed = parse(value)
    if parsed is None:
        return value or ""
    local = parsed.astimezone(zone_of(zone, utc))
    return f"{local:%Y-%m-%d %H:%M} {_abbreviation(local)}"


def span(starts: str | None, ends: str | None, zone: str | None, utc: bool = False) -> str:
    """`Tue 9 Mar 2027, 10:00 to 16:00 GMT`, or both dates in full when it ends another day."""
    start, end = parse(starts), parse(ends)
    if start is None or end is None:
        return f"{moment(starts, zone, utc)} to {moment(ends, zone, utc)}"
    where = zone_of(zone, utc)
    start, end = start.astimezone(where), end.astimezone(where)
    day = f"{start:%a} {start.day} {start:%b %Y}"
    if start.date() == end.date():
        if _abbreviation(start) == _abbreviation(end):
            return f"{day}, {start:%H:%M} to {end:%H:%M} {_abbreviation(end)}"
        # A clock change during the event: each time with its own abbreviation.
        return f"{day}, {start:%H:%M} {_abbreviation(start)} to {end:%H:%M} {_abbreviation(end)}"
    return (f"{day}, {start:%H:%M} {_abbreviation(start)} to "
            f"{end:%a} {end.day} {end:%b %Y}, {end:%H:%M} {_abbreviation(end)}")
