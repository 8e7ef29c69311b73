"""`clubflow nominations list|decide`: host nominations, through the organiser API.

`decide` records accepted, shortlisted or declined and has the nominee emailed (with --message,
if given); deciding the same again changes nothing and sends nothing. It shows the nomination
and the email to be sent, and asks first at a terminal; without a terminal it needs --yes.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from clubflow import confirm
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError
from clubflow.table import format_table

STATUSES = ("received", "shortlisted", "accepted", "declined")
DECISIONS = ("accepted", "shortlisted", "declined")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "nominations", help="list host nominations and decide them",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="every nomination with its status, oldest first")
    listing.add_argument("--status", choices=STATUSES,
                         help="only those with this status (default: every status)")
    listing.add_argument("--json", action="store_true", help="print the nominations as JSON")
    listing.set_defaults(handler=list_nominations)

    decide = actions.add_parser("decide", help="accept, shortlist or decline; the nominee is emailed",
                                description=__doc__.split("\n\n", 1)[1] if __doc__ else None)
    decide.add_argument("nomination_id", metavar="NOMINATION_ID")
    decide.add_argument("decision", choices=DECISIONS)
    decide.add_argument("--message", help="a note to the nominee, included in the email")
    decide.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    confirm.add_yes(decide, "decide and email the nominee")
    decide.set_defaults(handler=decide_nomination)

    for action in (listing, decide):
        add_arguments(action)


def fetch_nominations(api: Api, statuses: tuple[str, ...] = STATUSES) -> list[dict[str, Any]]:
    """The nominations with these statuses, oldest first (the API lists one status at a time)."""
    return sorted(
        (nomination for status in statuses
         for nomination in api.call("GET", f"/admin/nominations?status={status}")["nominations"]),
        key=lambda nomination: str(nomination.get("received_at") or ""),
    )


def list_nominations(args: argparse.Namespace) -> int:
    nominations = fetch_nominations(Api(args), (args.status,) if args.status else STATUSES)
    if args.json:
        print(json.dumps({"status": args.status, "nominations": nominations}, indent=2))
        return 0
    if not nominations:
        print(f"No {args.status + ' ' if args.status else ''}nominations.", file=sys.stderr)
        return 0
    rows = [(n["nomination_id"], n.get("status"), (n.get("received_at") or "")[:10], n.get("organisation"),
             n.get("city"), n.get("capacity"), f"{n.get('contact_name')} <{n.get('email')}>")
            for n in nominations]
    print(format_table(("NOMINATION ID", "STATUS", "RECEIVED", "ORGANISATION", "CITY", "CAPACITY", "CONTACT"),
                       rows, right=(5,)))
    return 0


def decide_nomination(args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"status": args.decision}
    if args.message:
        body["message"] = args.message
    api = Api(args)
    if not confirm.confirmed(decision_plan(api, args), f"Record {args.decision} and email the nominee?",
                             yes=args.yes, refusal="a decision emails the nominee"):
        print("Nothing decided, nothing sent.", file=sys.stderr)
        return 1
    answer: dict[str, Any] = api.call("POST", f"/admin/nominations/{args.nomination_id}/decision", body)
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    organisation = answer["nomination"].get("organisation") or args.nomination_id
    if answer.get("changed"):
        print(f"{organisation}: {args.decision}; the nominee is being emailed.")
    else:
        print(f"{organisation} was already {answer['nomination'].get('status')}; nothing was sent.")
    return 0


def decision_plan(api: Api, args: argparse.Namespace) -> list[str]:
    """The nomination as it stands and the email the decision sends."""
    found = [n for n in fetch_nominations(api) if n.get("nomination_id") == args.nomination_id]
    if not found:
        raise CommandError(f"no nomination {args.nomination_id}: `clubflow nominations list` shows them")
    nomination = found[0]
    lines = [f"{nomination.get('organisation')} ({nomination.get('city')}), offering {nomination.get('capacity')} "
             f"places, is {nomination.get('status')}.",
             f"  decision:  {args.decision}"]
    if nomination.get("status") == args.decision:
        lines.append("  email:     none (already decided so; nothing changes)")
    else:
        lines.append(f"  email:     to {nomination.get('contact_name')} <{nomination.get('email')}>"
                     + (f", with your message: {args.message}" if args.message else ", with no message"))
    return lines
