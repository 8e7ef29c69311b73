"""`clubflow`: the organisers' and developers' command line.

Each command group lives in clubflow/commands/<group>.py and exposes
`register(subparsers)`; it sets `handler` on its parser, called with the parsed args.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "clubflow.commands.attendance",
    "clubflow.commands.bench",
    "clubflow.commands.dev",
    "clubflow.commands.events",
    "clubflow.commands.nominations",
    "clubflow.commands.openapi",
    "clubflow.commands.organisers",
    "clubflow.commands.package",
    "clubflow.commands.people",
    "clubflow.commands.polls",
    "clubflow.commands.reports",
    "clubflow.commands.slides",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clubflow", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except CommandError as error:
        print(f"clubflow: {error}", file=sys.stderr)
        return 2


class CommandError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""


if __name__ == "__main__":
    sys.exit(main())
