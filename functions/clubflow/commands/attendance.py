"""`clubflow attendance mark`: record who came to an event, through the organiser API.

Give the addresses as arguments, or a CSV file (--csv) such as a sign-in sheet: its `Email`
column is read (or the first column when there is no header). A CSV with an `Attended` column,
like the registrations export, marks only the rows ticked there (yes, y, true, 1, x).

Up to 100 addresses are marked within the request; a longer list is marked by the API in the
background, and its progress is followed here (on stderr) until it is done. With --json the
totals are printed: {"marked": N, "already": N, "unknown": [addresses not registered]}.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from clubflow import progress
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError

BATCH = 2000  # addresses per request: the API's most (over 100, it marks them as a run)
TICKED = {"yes", "y", "true", "1", "x", "\u2713"}
POLL_SECONDS = 1.0
WAIT_SECONDS = 600.0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "attendance", help="mark who attended an event",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    mark = actions.add_parser(
        "mark", help="mark EMAIL... (or the addresses in --csv FILE) as attended",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    mark.add_argument("event_id", metavar="EVENT_ID")
    mark.add_argument("emails", metavar="EMAIL", nargs="*", help="addresses of people who came")
    mark.add_argument("--csv", type=Path, metavar="FILE", help="a CSV with an Email column")
    mark.add_argument("--json", action="store_true", help="print the totals as JSON")
    mark.add_argument("--timeout", type=float, default=WAIT_SECONDS, metavar="SECONDS",
                      help=f"stop following a long list after this long (default {WAIT_SECONDS:.0f})")
    add_arguments(mark)
    mark.set_defaults(handler=mark_attendance)


def emails_from_csv(path: Path) -> list[str]:
    """The addresses in a CSV: its Email column, or its first column without a header."""
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark.
        rows = [row for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"cannot read {path}: {error}") from None
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    if "email" in header or "email address" in header:
        column = header.index("email") if "email" in header else header.index("email address")
        ticked = header.index("attended") if "attended" in header else None
        return [
            _cell(row, column) for row in rows[1:]
            if _cell(row, column) and (ticked is None or _cell(row, ticked).lower() in TICKED)
        ]
    return [_cell(row, 0) for row in rows if "@" in _cell(row, 0)]


def _cell(row: list[str], index: int) -> str:
    # The registrations export prefixes a quote to anything a spreadsheet could run.
    return row[index].strip().lstrip("'") if index < len(row) else ""


def mark_attendance(args: argparse.Namespace) -> int:
    files = [given for given in args.emails if "@" not in given and Path(given).is_file()]
    if files:  # a sign-in sheet given as an address: say how to give it rather than refuse it as one
        raise CommandError(f"{files[0]} is a file, not an address: give it as --csv {files[0]}")
    emails = list(args.emails) + (emails_from_csv(args.csv) if args.csv else [])
    if not emails:
        raise CommandError("give the addresses of people who came, or --csv FILE with an Email column")
    api = Api(args)
    totals: dict[str, Any] = {"marked": 0, "already": 0, "unknown": []}
    for start in range(0, len(emails), BATCH):
        answer: dict[str, Any] = api.call(
            "POST", f"/admin/events/{args.event_id}/attendance", {"emails": emails[start:start + BATCH]}
        ) or {}
        if "run_id" in answer:  # a long list: marked in the background
            run = _follow(api, str(answer["run_id"]), args.timeout)
            totals["marked"] += int(run.get("marked", 0))
            totals["already"] += int(run.get("already", 0))
            totals["unknown"] += list(run.get("unknown_emails", []))
        else:
            totals["marked"] += len(answer.get("marked", []))
            totals["already"] += len(answer.get("already", []))
            totals["unknown"] += list(answer.get("unknown", []))
    if args.json:
        print(json.dumps(totals, indent=2))
        return 0
    print(f"Marked {totals['marked']} as attended; {totals['already']} already marked.")
    if totals["unknown"]:
        print(f"Not registered for {args.event_id} ({len(totals['unknown'])}): "
              + ", ".join(totals["unknown"]), file=sys.stderr)
    return 0


def _follow(api: Api, run_id: str, timeout: float) -> dict[str, Any]:
    return follow_run(lambda: api.call("GET", f"/admin/attendance-runs/{run_id}"), timeout=timeout,
                      out=sys.stderr, interval=POLL_SECONDS)


def follow_run(fetch: Callable[[], dict[str, Any]], *, timeout: float, out: IO[str] | None,
               interval: float = POLL_SECONDS, sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Ask for the run every `interval` seconds, writing each change of progress to `out`,
    until it is done; CommandError when it is still going after `timeout`."""
    return progress.follow(
        fetch, line=run_line, over=lambda run: bool(run.get("done")), timeout=timeout, out=out,
        interval=interval, sleep=sleep, clock=clock,
        still_going=lambda run: (f"attendance run {run.get('run_id')} is still {run.get('status')} after "
                                 f"{timeout:.0f} s; the API goes on marking it: see GET "
                                 f"/admin/attendance-runs/{run.get('run_id')}"))


def run_line(run: dict[str, Any]) -> str:
    """A run's progress in one line: how far through its addresses, and what became of them."""
    counted = int(run.get("marked", 0)) + int(run.get("already", 0)) + int(run.get("unknown", 0))
    return (f"attendance run {run.get('run_id', '')}: {run.get('status')}; {counted} of {run.get('total', 0)} "
            f"addresses: {run.get('marked', 0)} marked, {run.get('already', 0)} already marked, "
            f"{run.get('unknown', 0)} not registered")
