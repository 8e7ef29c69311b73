"""The parts of a report that come from the event's own data rather than the organisers' pen:
organisations in attendance, the speakers, thanks to the host, previous hosts, the vote for the
next event, the call for hosts and the slides. Organisers show or hide each one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.events import service as events
from chalicelib.registration import service as registrations

PARTS = ("thanks", "speakers", "organisations", "slides", "vote", "call_for_hosts", "previous_hosts")
MAX_ORGANISATIONS = 300
MAX_PREVIOUS_HOSTS = 24


def shown(report: Mapping[str, Any]) -> dict[str, bool]:
    """Which parts the report shows: every part unless the organisers hid it."""
    hidden: Mapping[str, Any] = report.get("show") or {}
    return {part: bool(hidden.get(part, True)) for part in PARTS}


def distinct(names: Iterable[str]) -> list[str]:
    """Names once each, whatever their case or spacing, in alphabetical order; each shown in its
    most common spelling (on a tie, the one with capitals: "Ofgem" over "ofgem")."""
    spellings: dict[str, Counter[str]] = {}
    for name in names:
        cleaned = " ".join(str(name).split())
        if cleaned:
            spellings.setdefault(cleaned.casefold(), Counter())[cleaned] += 1
    chosen = [max(counted, key=lambda spelling: (counted[spelling], sum(c.isupper() for c in spelling), spelling))
              for counted in spellings.values()]
    return sorted(chosen, key=str.casefold)


def organisations_present(event_id: str) -> list[str]:
    """The distinct organisations of the people marked attended, or of everyone confirmed when
    nobody was marked; organisations only, never a person's name."""
    attended: list[str] = []
    confirmed: list[str] = []
    for person in registrations.confirmed_registrations(event_id, fields=("organisation", "attended")):
        organisation = str(person.get("organisation") or "")
        confirmed.append(organisation)
        if person.get("attended"):
            attended.append(organisation)
    return distinct(attended if attended else confirmed)[:MAX_ORGANISATIONS]


def organisations(event_id: str, report: Mapping[str, Any]) -> list[str]:
    """The organisations the report lists: the organisers' edited list if they gave one."""
    edited = report.get("organisations")
    return list(edited) if edited is not None else organisations_present(event_id)


def previous_hosts(event: Mapping[str, Any]) -> list[str]:
    """Hosts of the series' earlier events, most recent first, each once."""
    seen: dict[str, str] = {}
    for earlier in events.all_events():  # newest first
        if earlier["starts_at"] < event["starts_at"] and earlier.get("host"):
            seen.setdefault(str(earlier["host"]).casefold(), str(earlier["host"]))
    return list(seen.values())[:MAX_PREVIOUS_HOSTS]
