"""Asking before what cannot be undone (emails sent, data erased): one way for every command.

The command shows what will happen (who receives what, about which event), then asks on a
terminal. Without a terminal (a script, a pipe, CI) nobody can answer, so only --yes goes ahead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from clubflow.cli import CommandError


def add_yes(parser: argparse.ArgumentParser, what: str) -> None:
    """--yes: go ahead without being asked (needed without a terminal)."""
    parser.add_argument("--yes", action="store_true",
                        help=f"{what} without being asked (needed when not run at a terminal)")


def at_terminal() -> bool:
    return sys.stdin.isatty()


def confirmed(plan: Sequence[str], question: str, *, yes: bool, refusal: str) -> bool:
    """Show `plan` (on stderr, so stdout stays the command's own answer), then ask `question`.

    True to go ahead: --yes, or "y" at a terminal. False when the person says no. Without a
    terminal and without --yes, raises CommandError with `refusal`, having done nothing.
    """
    for line in plan:
        print(line, file=sys.stderr)
    if yes:
        return True
    if not at_terminal():
        raise CommandError(f"{refusal}: there is no terminal to ask on, so add --yes to go ahead")
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    reply = sys.stdin.readline()
    return reply.strip().lower() in ("y", "yes")
