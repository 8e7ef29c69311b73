"""`clubflow polls add|list|close|results|invite`: an event's polls, through the organiser API.

A choice poll takes its options as repeated --option; a rating poll takes --scale LOW-HIGH
(1-10 when left out). `invite` emails each confirmed registrant their personal poll link now.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError
from clubflow.table import format_table

SCALE = re.compile(r"^\s*(-?\d+)\s*-\s*(-?\d+)\s*$")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "polls", help="add, list, close and read an event's polls; invite people to answer",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="add a poll to EVENT_ID; prints its id",
                             description=__doc__.split("\n\n", 1)[1] if __doc__ else None)
    add.add_argument("event_id", metavar="EVENT_ID")
    add.add_argument("--question", required=True)
    add.add_argument("--kind", required=True, choices=("single", "multiple", "rating"))
    add.add_argument("--option", dest="options", action="append", default=[], metavar="TEXT",
                     help="a choice (repeat for each)")
    add.add_argument("--scale", type=scale, metavar="LOW-HIGH", help="a rating's scale, such as 1-10")
    add.set_defaults(handler=add_poll)

    listing = actions.add_parser("list", help="the event's polls, open and closed")
    listing.add_argument("event_id", metavar="EVENT_ID")
    listing.add_argument("--json", action="store_true", help="print the API's JSON")
    listing.set_defaults(handler=list_polls)

    close = actions.add_parser("close", help="stop POLL_ID taking answers")
    close.add_argument("poll_id", metavar="POLL_ID")
    close.set_defaults(handler=close_poll)

    results = actions.add_parser("results", help="counts and percentages; ratings' mean and median")
    results.add_argument("poll_id", metavar="POLL_ID")
    results.add_argument("--json", action="store_true", help="print the API's JSON")
    results.set_defaults(handler=show_results)

    invite = actions.add_parser("invite", help="email every confirmed registrant their poll link now")
    invite.add_argument("event_id", metavar="EVENT_ID")
    invite.set_defaults(handler=invite_to_polls)

    for action in (add, listing, close, results, invite):
        add_arguments(action)


def scale(raw: str) -> dict[str, int]:
    """`1-10` as the API's scale (argparse shows the error against --scale)."""
    matched = SCALE.match(raw)
    if not matched:
        raise argparse.ArgumentTypeError(f"{raw!r}: give the scale as LOW-HIGH, such as 1-10")
    return {"min": int(matched[1]), "max": int(matched[2])}


def new_poll(args: argparse.Namespace) -> dict[str, Any]:
    """The API's body for `polls add`, refusing options on a rating and a scale on a choice."""
    body: dict[str, Any] = {"question": args.question, "kind": args.kind}
    if args.kind == "rating":
        if args.options:
            raise CommandError("a rating poll takes --scale LOW-HIGH, not --option")
        if args.scale:
            body["scale"] = args.scale
    else:
        if args.scale:
            raise CommandError(f"a {args.kind} choice poll takes --option for each choice, not --scale")
        if len(args.options) < 2:
            raise CommandError(f"a {args.kind} choice poll needs at least two --option choices")
        body["options"] = args.options
    return body


def add_poll(args: argparse.Namespace) -> int:
    body = new_poll(args)
    answer: dict[str, Any] = Api(args).call("POST", f"/admin/events/{args.event_id}/polls", body)
    print(answer["poll_id"])
    print(f"Added a {args.kind} poll to {args.event_id}: {args.question}", file=sys.stderr)
    return 0


def list_polls(args: argparse.Namespace) -> int:
    answer: dict[str, Any] = Api(args).call("GET", f"/admin/events/{args.event_id}/polls")
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    if not answer["polls"]:
        print("No polls yet: `clubflow polls add EVENT_ID --question ...` adds one.", file=sys.stderr)
        return 0
    rows = [(poll["poll_id"], poll.get("kind"), poll.get("status"), poll.get("question"))
            for poll in answer["polls"]]
    print(format_table(("POLL ID", "KIND", "STATUS", "QUESTION"), rows))
    return 0


def close_poll(args: argparse.Namespace) -> int:
    poll: dict[str, Any] = Api(args).call("POST", f"/admin/polls/{args.poll_id}/close")
    print(f"Poll {args.poll_id} is {poll.get('status', 'closed')}: {poll.get('question', '')}")
    return 0


def show_results(args: argparse.Namespace) -> int:
    results: dict[str, Any] = Api(args).call("GET", f"/admin/polls/{args.poll_id}/results")
    print(json.dumps(results, indent=2) if args.json else results_text(results))
    return 0


def results_text(results: dict[str, Any]) -> str:
    """A poll's results as a person reads them: the question, a table of option, count and
    percent, the number who answered and, for a rating, mean, median and at-or-below shares."""
    rating = results.get("kind") == "rating"
    rows = [(option, count, f"{_number(results['percent'].get(option, 0))}%")
            for option, count in results["counts"].items()]
    lines = [results.get("question", ""), "",
             format_table(("RATING" if rating else "OPTION", "COUNT", "PERCENT"), rows, right=(1, 2)),
             ""]
    total = int(results.get("total", 0))
    lines.append(f"{total} {'person' if total == 1 else 'people'} answered"
                 + ("" if results.get("status") != "closed" else "; the poll is closed") + ".")
    if results.get("kind") == "multiple" and total:
        lines.append("Each person may choose several options, so percentages add up to more than 100.")
    if rating and total:
        lines.append(f"Mean {_number(results.get('mean'))}, median {_number(results.get('median'))}.")
        shares = results.get("at_or_below", {})
        top = max(shares, key=int) if shares else None
        # The top of the scale is always 100%: no news there.
        lines += [f"{_number(share)}% rated {value} or lower" for value, share in shares.items()
                  if value != top and share > 0]
    return "\n".join(lines)


def _number(value: Any) -> str:
    """7.0 as 7 and 64.3 as 64.3; None as -."""
    if value is None:
        return "-"
    return str(int(value)) if float(value) == int(value) else str(value)


def invite_to_polls(args: argparse.Namespace) -> int:
    Api(args).call("POST", f"/admin/events/{args.event_id}/poll-invitations")
    print(f"Poll invitations for {args.event_id} are on their way to each confirmed registrant.")
    return 0
