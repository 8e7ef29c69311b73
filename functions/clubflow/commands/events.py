"""`clubflow events create|list|show|update|registrations`: the series' events, through the
organiser API.

Times are ISO 8601 (2027-03-09T10:00:00+00:00); without an offset they are read in the event's
time zone. Times are shown in the event's time zone with its abbreviation (10:00 GMT); --utc
shows them in UTC. `update` sends only the fields given; more capacity promotes waiting people,
and the counts are shown once the promotions are made.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.core.text import display_title
from clubflow import times
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError
from clubflow.table import format_table

# The fields an organiser sets on an event; each option (--starts-at) parses to its API name.
EVENT_FIELDS = ("title", "number", "starts_at", "ends_at", "timezone", "venue", "host", "capacity",
                "description", "registration_closes_at", "slide_policy", "confirm_address", "offer_window_hours")
COUNTS = ("confirmed", "waitlisted", "cancelled", "attended")
# How long `update` waits for promotions after more capacity (the worker makes them).
PROMOTION_WAIT_SECONDS = 20.0
PROMOTION_POLL_SECONDS = 0.5


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "events", help="create, list, show and change events; their registrations",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create an event; prints its id and public page",
                                description=__doc__.split("\n\n", 1)[1] if __doc__ else None)
    _event_fields(create, required=True)
    create.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    create.set_defaults(handler=create_event)

    listing = actions.add_parser("list", help="upcoming events, soonest first, with their counts")
    listing.add_argument("--past", action="store_true", help="events that have ended, latest first")
    listing.add_argument("--json", action="store_true", help="print the API's JSON")
    listing.set_defaults(handler=list_events)

    show = actions.add_parser("show", help="one event's details and counts")
    show.add_argument("event_id", metavar="EVENT_ID")
    show.add_argument("--json", action="store_true", help="print the API's JSON")
    show.set_defaults(handler=show_event)

    update = actions.add_parser("update", help="change only the fields given",
                                description=__doc__.split("\n\n", 1)[1] if __doc__ else None)
    update.add_argument("event_id", metavar="EVENT_ID")
    _event_fields(update, required=False)
    update.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    update.set_defaults(handler=update_event)

    registrations = actions.add_parser("registrations", help="who registered; --csv FILE for a spreadsheet")
    registrations.add_argument("event_id", metavar="EVENT_ID")
    registrations.add_argument("--csv", type=Path, metavar="FILE",
                               help="write the spreadsheet export to FILE ('-' for stdout)")
    registrations.add_argument("--json", action="store_true", help="print the API's JSON")
    registrations.set_defaults(handler=list_registrations)

    for action in (listing, show, update):
        action.add_argument("--utc", action="store_true",
                            help="show times in UTC rather than the event's time zone")
    for action in (create, listing, show, update, registrations):
        add_arguments(action)


def _event_fields(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument("--title", required=required)
    parser.add_argument("--starts-at", required=required, metavar="TIME")
    parser.add_argument("--ends-at", required=required, metavar="TIME")
    parser.add_argument("--timezone", required=required, metavar="ZONE",
                        help="IANA name, such as Europe/London")
    parser.add_argument("--venue", required=required)
    parser.add_argument("--host", required=required, help="the host organisation")
    parser.add_argument("--capacity", required=required, type=int, metavar="N")
    parser.add_argument("--number", type=int, metavar="N", help="the event's number in the series")
    parser.add_argument("--description")
    parser.add_argument("--registration-closes-at", metavar="TIME")
    parser.add_argument("--slide-policy", choices=("registered", "consented", "public"),
                        help="who may get the slides")
    parser.add_argument("--confirm-address", action=argparse.BooleanOptionalAction, default=None,
                        help="hold a new registration's place only once its emailed link is opened (30 minutes)")
    parser.add_argument("--offer-window-hours", type=int, metavar="HOURS",
                        help="this close to the start a freed place is offered, not given (default 48)")


def event_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The event fields given on the command line, by their API names."""
    return {field: getattr(args, field) for field in EVENT_FIELDS if getattr(args, field) is not None}


def create_event(args: argparse.Namespace) -> int:
    api = Api(args)
    answer: dict[str, Any] = api.call("POST", "/admin/events", event_fields(args))
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    event_id = answer["event_id"]
    print(event_id)
    print(f"Created {display_title(answer['event']) if answer.get('event') else event_id}; "
          f"its page: {api.base}/events/{event_id}", file=sys.stderr)
    return 0


def list_events(args: argparse.Namespace) -> int:
    events = chosen(Api(args).call("GET", "/admin/events"), past=args.past, now=datetime.now(UTC))
    if args.json:
        print(json.dumps(events, indent=2))
        return 0
    if not events:
        print("No past events." if args.past else
              "No upcoming events: `clubflow events create --title ...` adds one; "
              "`clubflow events list --past` shows those that have ended.", file=sys.stderr)
        return 0
    print(events_table(events, utc=args.utc))
    return 0


def chosen(events: list[dict[str, Any]], *, past: bool, now: datetime) -> list[dict[str, Any]]:
    """Upcoming events (not yet ended) soonest first; or, with `past`, the ended ones latest first."""

    def ended(event: dict[str, Any]) -> bool:
        ends = times.parse(event.get("ends_at")) or times.parse(event.get("starts_at"))
        return ends is not None and ends < now

    def start(event: dict[str, Any]) -> datetime:
        return times.parse(event.get("starts_at")) or now

    picked = [event for event in events if ended(event) == past]
    return sorted(picked, key=start, reverse=past)


def events_table(events: list[dict[str, Any]], utc: bool = False) -> str:
    rows = [
        (event["event_id"], times.moment(event.get("starts_at"), event.get("timezone"), utc),
         display_title(event),
         f"{event['counts']['confirmed']}/{event.get('capacity', '?')}",
         event["counts"]["waitlisted"])
        for event in events
    ]
    return format_table(("EVENT ID", "STARTS", "TITLE", "CONFIRMED", "WAITING"), rows, right=(3, 4))


def show_event(args: argparse.Namespace) -> int:
    event: dict[str, Any] = Api(args).call("GET", f"/admin/events/{args.event_id}")
    print(json.dumps(event, indent=2) if args.json else describe_event(event, utc=args.utc))
    return 0


def describe_event(event: dict[str, Any], utc: bool = False) -> str:
    """An event as a block of `Label: value` lines, then its counts on one line; times in the
    event's zone (or UTC), the zone's name alongside."""
    zone = event.get("timezone")
    lines = [display_title(event), f"  id:          {event['event_id']}",
             f"  when:        {times.span(event.get('starts_at'), event.get('ends_at'), zone, utc)} ({zone})",
             f"  where:       {event.get('venue')}, hosted by {event.get('host')}",
             f"  capacity:    {event.get('capacity')}"]
    if event.get("registration_closes_at"):
        lines.append(f"  closes:      {times.moment(event['registration_closes_at'], zone, utc)}")
    if event.get("slide_policy"):
        lines.append(f"  slides for:  {event['slide_policy']}")
    counts = event.get("counts", {})
    lines.append("  " + ", ".join(f"{counts.get(name, 0)} {name}" for name in _shown_counts(counts)))
    return "\n".join(lines)


def _shown_counts(counts: dict[str, Any]) -> tuple[str, ...]:
    # Places offered near the start (held until answered) are named only while there are any.
    return (*COUNTS, "offered") if counts.get("offered") else COUNTS


def update_event(args: argparse.Namespace) -> int:
    changes = event_fields(args)
    if not changes:
        raise CommandError("give at least one field to change, such as --capacity N")
    api = Api(args)
    event: dict[str, Any] = api.call("PATCH", f"/admin/events/{args.event_id}", changes)
    if promotions_due(event, changes):
        print("Promoting people from the waiting list...", file=sys.stderr, flush=True)
        event = after_promotions(lambda: api.call("GET", f"/admin/events/{args.event_id}"), event)
    if args.json:
        print(json.dumps(event, indent=2))
        return 0
    print(f"Changed {', '.join(sorted(changes))} of {args.event_id}.")
    print(describe_event(event, utc=args.utc))
    if promotions_due(event, changes):
        print(f"{event['counts']['waitlisted']} still waiting while places are free: the promotions "
              f"are still on their way; `clubflow events show {args.event_id}` shows them.", file=sys.stderr)
    return 0


def promotions_due(event: dict[str, Any], changes: dict[str, Any]) -> bool:
    """More capacity with people waiting: the worker promotes them just after the change."""
    counts = event.get("counts", {})
    return ("capacity" in changes and int(counts.get("waitlisted", 0)) > 0
            and int(event.get("capacity", 0)) > int(counts.get("confirmed", 0)))


def after_promotions(fetch: Callable[[], dict[str, Any]], event: dict[str, Any], *,
                     timeout: float = PROMOTION_WAIT_SECONDS, interval: float = PROMOTION_POLL_SECONDS,
                     sleep: Callable[[float], None] = time.sleep,
                     clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """The event once the promotions its new capacity allows are made (or `timeout` passes):
    the PATCH answers before the worker has promoted anyone."""
    deadline = clock() + timeout
    while promotions_due(event, {"capacity": True}) and clock() < deadline:
        sleep(interval)
        event = fetch()
    return event


def list_registrations(args: argparse.Namespace) -> int:
    api = Api(args)
    path = f"/admin/events/{args.event_id}/registrations"
    if args.csv is not None:
        exported = api.text(path + "?format=csv")
        if str(args.csv) == "-":
            sys.stdout.write(exported)
            return 0
        try:
            # newline="": the export's own line endings are kept, as a spreadsheet expects.
            with args.csv.open("w", encoding="utf-8", newline="") as handle:
                handle.write(exported)
        except OSError as error:
            raise CommandError(f"cannot write {args.csv}: {error.strerror}") from None
        # Counted as CSV records, since a cell (such as someone's needs) may hold line breaks.
        rows = max(sum(1 for _ in csv.reader(io.StringIO(exported))) - 1, 0)
        print(f"Wrote {rows} registration{'s' if rows != 1 else ''} to {args.csv}.")
        return 0
    answer: dict[str, Any] = api.call("GET", path)
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    print(registrations_table(answer["registrations"]))
    counts = answer.get("counts", {})
    print(", ".join(f"{counts.get(name, 0)} {name}" for name in _shown_counts(counts)) + ".", file=sys.stderr)
    return 0


def registrations_table(registrations: list[dict[str, Any]]) -> str:
    rows = [
        (r.get("email"), r.get("name"), r.get("organisation"),
         f"{r.get('status')} #{r['position']}" if r.get("status") == "waitlisted" and r.get("position")
         else r.get("status"),
         "yes" if r.get("attended") else "")
        for r in registrations
    ]
    return format_table(("EMAIL", "NAME", "ORGANISATION", "STATUS", "ATTENDED"), rows)
