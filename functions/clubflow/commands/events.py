"""`clubflow events create|list|show|update|registrations`: the series' events, through the
organiser API.

Times are ISO 8601 (2027-03-09T10:00:00+00:00); without an offset they are read in the event's
time zone. `update` sends only the fields given; more capacity promotes waiting people.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.core.text import display_title
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError
from clubflow.table import format_table

# The fields an organiser sets on an event; each option (--starts-at) parses to its API name.
EVENT_FIELDS = ("title", "number", "starts_at", "ends_at", "timezone", "venue", "host", "capacity",
                "description", "registration_closes_at", "slide_policy")
COUNTS = ("confirmed", "waitlisted", "cancelled", "attended")


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

    listing = actions.add_parser("list", help="every event, soonest first, with its counts")
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
    events: list[dict[str, Any]] = Api(args).call("GET", "/admin/events")
    if args.json:
        print(json.dumps(events, indent=2))
        return 0
    if not events:
        print("No events yet: `clubflow events create --title ...` adds one.", file=sys.stderr)
        return 0
    print(events_table(events))
    return 0


def events_table(events: list[dict[str, Any]]) -> str:
    rows = [
        (event["event_id"], event.get("starts_at", ""), display_title(event),
         f"{event['counts']['confirmed']}/{event.get('capacity', '?')}",
         event["counts"]["waitlisted"])
        for event in events
    ]
    return format_table(("EVENT ID", "STARTS", "TITLE", "CONFIRMED", "WAITING"), rows, right=(3, 4))


def show_event(args: argparse.Namespace) -> int:
    event: dict[str, Any] = Api(args).call("GET", f"/admin/events/{args.event_id}")
    print(json.dumps(event, indent=2) if args.json else describe_event(event))
    return 0


def describe_event(event: dict[str, Any]) -> str:
    """An event as a block of `Label: value` lines, then its counts on one line."""
    lines = [display_title(event), f"  id:          {event['event_id']}",
             f"  when:        {event.get('starts_at')} to {event.get('ends_at')} ({event.get('timezone')})",
             f"  where:       {event.get('venue')}, hosted by {event.get('host')}",
             f"  capacity:    {event.get('capacity')}"]
    if event.get("registration_closes_at"):
        lines.append(f"  closes:      {event['registration_closes_at']}")
    if event.get("slide_policy"):
        lines.append(f"  slides for:  {event['slide_policy']}")
    counts = event.get("counts", {})
    lines.append("  " + ", ".join(f"{counts.get(name, 0)} {name}" for name in COUNTS))
    return "\n".join(lines)


def update_event(args: argparse.Namespace) -> int:
    changes = event_fields(args)
    if not changes:
        raise CommandError("give at least one field to change, such as --capacity N")
    event: dict[str, Any] = Api(args).call("PATCH", f"/admin/events/{args.event_id}", changes)
    if args.json:
        print(json.dumps(event, indent=2))
        return 0
    print(f"Changed {', '.join(sorted(changes))} of {args.event_id}.")
    print(describe_event(event))
    return 0


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
    print(", ".join(f"{counts.get(name, 0)} {name}" for name in COUNTS) + ".", file=sys.stderr)
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
