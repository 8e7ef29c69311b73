"""Following a long run the API works through (a report run, an attendance run): ask for it
every few seconds and print each change of its one-line progress, until it is over."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Any

from clubflow.cli import CommandError


def follow(fetch: Callable[[], dict[str, Any]], *, line: Callable[[dict[str, Any]], str],
           over: Callable[[dict[str, Any]], bool], still_going: Callable[[dict[str, Any]], str],
           timeout: float, out: IO[str] | None, interval: float,
           sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Ask for the run every `interval` seconds, writing each change of `line(run)` to `out`,
    until `over(run)`; CommandError with `still_going(run)` when it is not over after `timeout`."""
    deadline = clock() + timeout
    shown = ""
    while True:
        run = fetch()
        progress = line(run)
        if out is not None and progress != shown:
            print(progress, file=out, flush=True)
            shown = progress
        if over(run):
            return run
        if clock() >= deadline:
            raise CommandError(still_going(run))
        sleep(interval)
