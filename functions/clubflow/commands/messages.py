"""`clubflow messages`: write to an event's people through the organiser API.

`send` emails one message (Markdown from a file, or - for standard input) to the event's
confirmed, waiting, attended people, or all of them; each person gets it once. It shows what
will go to whom and asks first (--yes in scripts). `show` lists who a message was sent to.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from chalicelib.core.text import display_title, one_line
from clubflow import confirm
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError

AUDIENCES = ("confirmed", "waitlisted", "attended", "all")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser("messages", help="write to an event's people",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    send = actions.add_parser("send", help="email a message to an event's people",
                              description=__doc__.split("\n\n", 1)[1] if __doc__ else None)
    send.add_argument("event_id", metavar="EVENT_ID")
    send.add_argument("markdown", metavar="FILE", help="the message in Markdown (- for standard input)")
    send.add_argument("--audience", choices=AUDIENCES, required=True, help="who gets it")
    send.add_argument("--subject", required=True, help="the email's subject (the event's title follows)")
    send.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    confirm.add_yes(send, "send")
    add_arguments(send)
    send.set_defaults(handler=send_message)
    show = actions.add_parser("show", help="a message and who it was sent to")
    show.add_argument("event_id", metavar="EVENT_ID")
    show.add_argument("message_id", metavar="MESSAGE_ID")
    show.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    add_arguments(show)
    show.set_defaults(handler=show_message)


def _read(path: str) -> str:
    try:
        return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}") from None


def send_message(args: argparse.Namespace) -> int:
    markdown = _read(args.markdown)
    if not markdown.strip():
        raise CommandError(f"{args.markdown} is empty: write the message in it first")
    api = Api(args)
    event: dict[str, Any] = api.call("GET", f"/admin/events/{args.event_id}") or {}
    counts = event.get("counts", {})
    reach = {"confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0),
             "attended": counts.get("attended", 0),
             "all": counts.get("confirmed", 0) + counts.get("waitlisted", 0)}[args.audience]
    plan = [f"Event:    {event.get('title', args.event_id)} ({args.event_id})",
            f"To:       {args.audience} (about {reach} {'person' if reach == 1 else 'people'})",
            # As people get it: on one line, the event's name after it (registration/messages).
            f"Subject:  {one_line(args.subject)}: {display_title(event) if event else args.event_id}"]
    if not confirm.confirmed(plan, "Send it?", yes=args.yes, refusal="sending emails cannot be undone"):
        print("Nothing sent.", file=sys.stderr)
        return 1
    answer: dict[str, Any] = api.call("POST", f"/admin/events/{args.event_id}/messages", {
        "audience": args.audience, "subject": args.subject, "markdown": markdown}) or {}
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    print(f"Queued message {answer.get('message_id')}; "
          f"see who it went to with: clubflow messages show {args.event_id} {answer.get('message_id')}")
    return 0


def show_message(args: argparse.Namespace) -> int:
    answer: dict[str, Any] = Api(args).call(
        "GET", f"/admin/events/{args.event_id}/messages/{args.message_id}") or {}
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    print(f"{answer.get('subject')} (to {answer.get('audience')}), sent to {len(answer.get('sent_to', []))}:")
    for delivery in answer.get("sent_to", []):
        print(f"  {delivery['email']}\t{delivery.get('sent_at') or ''}")
    return 0
