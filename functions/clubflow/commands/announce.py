"""`clubflow announce EVENT_ID`: email the event to everyone on the club's list, once each.

It shows the event and how many are on the list and asks first at a terminal; without a
terminal it needs --yes. A second announcement of the same event reaches only those the first
did not. The run's progress follows on stderr (or --no-wait prints its id and returns).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from clubflow import confirm, times
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError
from clubflow.commands.reports import follow_run


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "announce", help="email an event to everyone on the club's list",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("event_id", metavar="EVENT_ID")
    parser.add_argument("--subject", help="the email's subject (default: Coming up: the event's title)")
    parser.add_argument("--note", type=Path, metavar="FILE", help="the organisers' note, in Markdown")
    parser.add_argument("--no-wait", action="store_true", help="print the run id and return")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to follow the run (default 600)")
    parser.add_argument("--json", action="store_true", help="print the finished run as JSON")
    confirm.add_yes(parser, "send")
    add_arguments(parser)
    parser.set_defaults(handler=announce)


def announce(args: argparse.Namespace) -> int:
    api = Api(args)
    body: dict[str, Any] = {"event_id": args.event_id}
    if args.subject:
        body["subject"] = args.subject
    if args.note:
        try:
            body["markdown"] = args.note.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {args.note}: {error}") from None
    plan: list[str] = []
    if not args.yes and confirm.at_terminal():
        event: dict[str, Any] = api.call("GET", f"/admin/events/{args.event_id}")
        news = (api.call("GET", "/admin/consents") or {}).get("news", {})
        plan = [f"Announcing {event.get('title')} ({args.event_id})",
                f"  event:       {times.span(event.get('starts_at'), event.get('ends_at'), event.get('timezone'))}",
                f"  recipients:  {news.get('subscribed', 0)} on the list; anyone already sent this event's "
                "announcement is skipped"]
    if not confirm.confirmed(plan, "Email everyone on the list?", yes=args.yes,
                             refusal="an announcement emails everyone on the list and cannot be undone"):
        print("Nothing sent.", file=sys.stderr)
        return 1
    started: dict[str, Any] = api.call("POST", "/admin/announcements", body)
    run_id = started["run_id"]
    if not args.json:
        print(run_id, flush=True)
    if args.no_wait:
        return 0
    run = follow_run(lambda: api.call("GET", f"/admin/announcements/{run_id}"), timeout=args.timeout,
                     out=sys.stderr)
    if args.json:
        print(json.dumps(run, indent=2))
    if run["status"] == "failed":
        raise CommandError(f"announcement {run_id} failed: {run.get('reason', 'no reason given')}")
    return 0
