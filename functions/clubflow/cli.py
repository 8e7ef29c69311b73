"""`clubflow`: the organisers' and developers' command line.

Each command group lives in clubflow/commands/<group>.py and exposes
`register(subparsers)`; it sets `handler` on its parser, called with the parsed args.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "clubflow.commands.announce",
    "clubflow.commands.attendance",
    "clubflow.commands.bench",
    "clubflow.commands.consents",
    "clubflow.commands.dev",
    "clubflow.commands.dlq",
    "clubflow.commands.events",
    "clubflow.commands.messages",
    "clubflow.commands.nominations",
    "clubflow.commands.openapi",
    "clubflow.commands.organisers",
    "clubflow.commands.package",
    "clubflow.commands.people",
    "clubflow.commands.polls",
    "clubflow.commands.reports",
    "clubflow.commands.slides",
    "clubflow.commands.smoke",
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
        code = int(args.handler(args) or 0)
        # Flushed here, so that a reader that went away is noticed here too, not at exit.
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `clubflow ... | head`: the reader has what it wanted. Nothing more can be written, and
        # Python's own flush at exit would complain again, so stdout goes to /dev/null.
        _silence_stdout()
        return 141  # as a shell reports a command ended by SIGPIPE
    except CommandError as error:
        # Several problems (such as the API's field errors) come one per line.
        for line in str(error).splitlines() or [""]:
            print(f"clubflow: {line}", file=sys.stderr)
        return 2


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a file descriptor (captured in-process): nothing will flush to it


class CommandError(Exception):
    """A problem the person running the command can fix; printed without a traceback."""


if __name__ == "__main__":
    sys.exit(main())
