"""`clubflow attendance mark`: record who came to an event, through the organiser API.

Give the addresses as arguments, or a CSV file (--csv) such as a sign-in sheet: its `Email`
column is read (or the first column when there is no header). A CSV with an `Attended` column,
like the registrations export, marks only the rows ticked there (yes, y, true, 1, x).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError

BATCH = 500  # addresses per request; the API takes up to 2000
TICKED = {"yes", "y", "true", "1", "x", "\u2713"}


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
    mark.add_argument("--json", action="store_true", help="print the API's answer as JSON")
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
    emails = list(args.emails) + (emails_from_csv(args.csv) if args.csv else [])
    if not emails:
        raise CommandError("give the addresses of people who came, or --csv FILE with an Email column")
    api = Api(args)
    totals: dict[str, list[str]] = {"marked": [], "already": [], "unknown": []}
    for start in range(0, len(emails), BATCH):
        answer: dict[str, Any] = api.call(
            "POST", f"/admin/events/{args.event_id}/attendance", {"emails": emails[start:start + BATCH]}
        ) or {}
        for name in totals:
            totals[name] += answer.get(name, [])
    if args.json:
        print(json.dumps(totals, indent=2))
        return 0
    print(f"Marked {len(totals['marked'])} as attended; {len(totals['already'])} already marked.")
    if totals["unknown"]:
        print(f"Not registered for {args.event_id} ({len(totals['unknown'])}): "
              + ", ".join(totals["unknown"]), file=sys.stderr)
    return 0
