"""The calendar invite a registration sends: valid iCalendar that calendars read as meant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.registration import invite as ics


def _invite(**changes: object) -> ics.Invite:
    fields: dict[str, object] = {
        "uid": "a1b2c3d4e5f60718@clubflow",
        "method": ics.REQUEST,
        "sequence": 0,
        "title": "Event 48 \u2013 Communities of Practice",
        "starts_at": datetime(2030, 3, 9, 10, 0, tzinfo=UTC),
        "ends_at": datetime(2030, 3, 9, 16, 0, tzinfo=UTC),
        "timezone": "Europe/London",
        "location": "Close Brothers, 10 Crown Place, London",
        "description": "Hosted by Close Brothers.\nManage: https://club.example/r/abc",
        "url": "https://club.example/r/abc",
        "organizer_name": "CofEe Club",
        "organizer_email": "club@example.com",
        "attendee_name": "Ada Lovelace",
        "attendee_email": "ada@example.com",
        "stamp": datetime(2030, 2, 1, 9, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return ics.Invite(**fields)  # type: ignore[arg-type]


def _lines(invite: ics.Invite) -> list[str]:
    text = ics.build(invite).decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF
    return text.replace("\r\n ", "").split("\r\n")[:-1]  # unfolded


def test_a_request_holds_one_event_with_stable_uid_local_times_and_people() -> None:
    lines = _lines(_invite())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "METHOD:REQUEST" in lines
    assert lines.count("BEGIN:VEVENT") == 1
    assert "UID:a1b2c3d4e5f60718@clubflow" in lines
    assert "DTSTAMP:20300201T090000Z" in lines
    assert "DTSTART;TZID=Europe/London:20300309T100000" in lines
    assert "DTEND;TZID=Europe/London:20300309T160000" in lines
    assert "SEQUENCE:0" in lines and "STATUS:CONFIRMED" in lines
    assert 'ORGANIZER;CN="CofEe Club":mailto:club@example.com' in lines
    assert ('ATTENDEE;CN="Ada Lovelace";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:'
            "mailto:ada@example.com") in lines


def test_text_values_escape_commas_semicolons_backslashes_and_line_breaks() -> None:
    lines = _lines(_invite(location="Room 1; Floor 2, Hall \\ B", description="one\ntwo\r\nthree"))
    assert "LOCATION:Room 1\\; Floor 2\\, Hall \\\\ B" in lines
    assert "DESCRIPTION:one\\ntwo\\nthree" in lines


def test_names_cannot_break_out_of_their_parameter() -> None:
    lines = _lines(_invite(attendee_name='Ada "The Countess":mailto:x@evil.example\r\nX-EVIL:1'))
    (attendee,) = [line for line in lines if line.startswith("ATTENDEE")]
    assert attendee.startswith('ATTENDEE;CN="Ada The Countess:mailto:x@evil.example X-EVIL:1";')
    assert attendee.endswith(":mailto:ada@example.com")
    assert not any(line.startswith("X-EVIL") for line in lines)


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    title = "Caf\u00e9 \u2013 " * 40
    faces = "\U0001f600" * 60
    raw = ics.build(_invite(title=title, description=faces)).decode("utf-8")
    physical = raw.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)
    assert f"SUMMARY:{title}" in raw.replace("\r\n ", "")
    assert f"DESCRIPTION:{faces}" in raw.replace("\r\n ", "")


def test_short_lines_stay_whole() -> None:
    raw = ics.build(_invite(title="Short")).decode("utf-8")
    assert "\r\nSUMMARY:Short\r\n" in raw


def test_a_cancel_replaces_the_request_in_the_calendar() -> None:
    lines = _lines(_invite(method=ics.CANCEL, sequence=1))
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines
    assert "SEQUENCE:1" in lines and "UID:a1b2c3d4e5f60718@clubflow" in lines
    assert any("PARTSTAT=DECLINED" in line for line in lines)


@pytest.mark.parametrize(("zone", "when", "local"), [
    ("Europe/London", datetime(2030, 7, 9, 9, 0, tzinfo=UTC), "20300709T100000"),
    ("Australia/Sydney", datetime(2030, 1, 9, 23, 0, tzinfo=UTC), "20300110T100000"),
    ("America/New_York", datetime(2030, 11, 3, 14, 0, tzinfo=UTC), "20301103T090000"),
    ("Asia/Kolkata", datetime(2030, 3, 9, 4, 30, tzinfo=UTC), "20300309T100000"),
])
def test_times_are_in_the_events_zone_with_its_rules(zone: str, when: datetime, local: str) -> None:
    lines = _lines(_invite(timezone=zone, starts_at=when, ends_at=when + timedelta(hours=2)))
    assert f"DTSTART;TZID={zone}:{local}" in lines
    assert f"TZID:{zone}" in lines
    begin, end = lines.index("BEGIN:VTIMEZONE"), lines.index("END:VTIMEZONE")
    block = lines[begin:end]
    # The offset in force at the start is declared by an observance that began before it.
    offset = when.astimezone(ZoneInfo(zone)).utcoffset()
    assert offset is not None
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    assert f"TZOFFSETTO:{sign}{minutes // 60:02d}{minutes % 60:02d}" in block


@dataclass
class Observance:
    """One STANDARD or DAYLIGHT part of a VTIMEZONE: when it starts (DTSTART and RDATEs)."""

    kind: str
    offset_from: str = ""
    offset_to: str = ""
    name: str = ""
    onsets: list[str] = field(default_factory=list)


def _observances(lines: list[str]) -> list[Observance]:
    found: list[Observance] = []
    for line in lines[lines.index("BEGIN:VTIMEZONE"):lines.index("END:VTIMEZONE")]:
        key, _, value = line.partition(":")
        if key == "BEGIN" and value in ("STANDARD", "DAYLIGHT"):
            found.append(Observance(value))
        elif found and key in ("DTSTART", "RDATE"):
            found[-1].onsets.extend(value.split(","))
        elif found and key == "TZOFFSETFROM":
            found[-1].offset_from = value
        elif found and key == "TZOFFSETTO":
            found[-1].offset_to = value
        elif found and key == "TZNAME":
            found[-1].name = value
    return found


def test_a_zone_without_daylight_saving_has_one_observance() -> None:
    when = datetime(2030, 3, 9, 1, tzinfo=UTC)
    lines = _lines(_invite(timezone="Asia/Tokyo", starts_at=when, ends_at=when + timedelta(hours=2)))
    (observance,) = _observances(lines)
    assert (observance.kind, observance.offset_from, observance.offset_to) == ("STANDARD", "+0900", "+0900")


def test_london_observances_change_on_the_real_days() -> None:
    observances = _observances(_lines(_invite()))
    shapes = {("DAYLIGHT", "+0000", "+0100", "BST"): "summer", ("STANDARD", "+0100", "+0000", "GMT"): "winter"}
    onsets = {shape: [t for o in observances if (o.kind, o.offset_from, o.offset_to, o.name) == key for t in o.onsets]
              for key, shape in shapes.items()}
    # Clocks go forward at 01:00 GMT on 31 March 2030 and back at 02:00 BST on 27 October 2030.
    # icalendar dates the spring change by the first wall-clock time after the gap (02:00), so
    # only its day is pinned; every local time that exists converts the same either way.
    assert any(onset.startswith("20300331T") for onset in onsets["summer"])
    assert "20301027T020000" in onsets["winter"]
