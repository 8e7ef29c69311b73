"""`clubflow people export|erase EMAIL`: a person's data, through the organiser API.

`export` prints everything held about the address as JSON (or writes it to --output FILE).
`erase` deletes it, keeping the club's counts: it shows what is held and asks first at a
terminal; without a terminal it needs --yes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from clubflow import confirm
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "people", help="export or erase what is held about a person",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    export = actions.add_parser("export", help="everything held about EMAIL, as JSON")
    export.add_argument("email", metavar="EMAIL")
    export.add_argument("--output", type=Path, metavar="FILE", help="write the JSON to FILE")
    add_arguments(export)
    export.set_defaults(handler=export_person)

    erase = actions.add_parser("erase", help="erase what is held about EMAIL; counts stay")
    erase.add_argument("email", metavar="EMAIL")
    confirm.add_yes(erase, "erase")
    erase.add_argument("--json", action="store_true", help="print the API's answer as JSON")
    add_arguments(erase)
    erase.set_defaults(handler=erase_person)


def export_person(args: argparse.Namespace) -> int:
    answer: dict[str, Any] = Api(args).call("POST", "/admin/people/export", {"email": args.email}) or {}
    text = json.dumps(answer, indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {args.output}: {error}") from None
    count = sum(len(items) for items in answer.get("held", {}).values())
    print(f"Wrote {_items(count)} held about {args.email} to {args.output}.")
    return 0


def erase_person(args: argparse.Namespace) -> int:
    api = Api(args)
    # With --yes (a script) nothing is read first: the erasure is asked for outright.
    plan = [f"Erasing everything held about {args.email}; the club's counts stay."]
    if not args.yes and confirm.at_terminal():
        held = (api.call("POST", "/admin/people/export", {"email": args.email}) or {}).get("held", {})
        plan += [f"  {kind.replace('_', ' ')}: {len(items)}" for kind, items in held.items() if items] or [
            "  nothing is held about this address"]
    if not confirm.confirmed(plan, "Erase it? This cannot be undone.", yes=args.yes,
                             refusal="erasing cannot be undone"):
        print("Nothing erased.", file=sys.stderr)
        return 1
    answer: dict[str, Any] = api.call("POST", "/admin/people/erase", {"email": args.email}) or {}
    if args.json:
        print(json.dumps(answer, indent=2))
        return 0
    print(f"Erased {_items(int(answer.get('erased', 0)))} held about {args.email}.")
    if answer.get("kept", {}).get("suppression"):
        print("Kept: the address stays on the report suppression list, so it is never emailed a report again.")
    return 0


def _items(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'}"
