"""`clubflow consents [--event EVENT_ID]`: how many people want each kind of email.

News of future events: how many are on the club's list and how many left it. With --event, the
event's summary report too: who asked for it at registration, and how many have refused reports
since. Counts only: mail goes through the runs, which honour every refusal.
"""

from __future__ import annotations

import argparse
import json
from typing import Any
from urllib.parse import quote

from clubflow.api import Api, add_arguments


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "consents", help="how many people want each kind of email",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--event", metavar="EVENT_ID", help="also the counts for this event's report")
    parser.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    add_arguments(parser)
    parser.set_defaults(handler=show_counts)


def show_counts(args: argparse.Namespace) -> int:
    path = "/admin/consents" + (f"?event_id={quote(args.event, safe='')}" if args.event else "")
    answer: dict[str, Any] = Api(args).call("GET", path) or {}
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    news = answer.get("news", {})
    print(f"News of future events: {news.get('subscribed', 0)} subscribed, {news.get('left', 0)} left")
    if "reports" in answer:
        reports = answer["reports"]
        print(f"Summary report of {reports['event_id']}: {reports['asked']} asked for it, "
              f"{reports['refused']} refused reports since, {reports['would_receive']} would receive it")
    return 0
