"""`clubflow dev`: the whole system on this machine, with no AWS account."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from datetime import date
from pathlib import Path
from types import FrameType

from clubflow.cli import CommandError
from clubflow.dev.stack import LocalStack, LocalStackError, Running


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dev",
        help="run the local stack: moto, the API, the event pump and the outbox",
        description=(
            "Run clubflow locally: AWS stood in by moto with the resources of stacks/, the API "
            "over HTTP, an event pump feeding every queue to its handler, and an outbox of every "
            "email at /_dev/outbox. The organiser key comes from CLUBFLOW_DEV_ORGANISER_KEY or "
            "is created and printed. Ctrl-C stops it."
        ),
    )
    parser.add_argument("--port", type=int, default=8000,
                        help="port of the API on 127.0.0.1 (default 8000; 0 picks a free one)")
    parser.add_argument("--demo", action="store_true",
                        help='load Event 48 "Communities of Practice" and the seed\'s three polls')
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stack = LocalStack(port=args.port,
                           organiser_key=os.environ.get("CLUBFLOW_DEV_ORGANISER_KEY") or None)
        running = stack.start()
    except LocalStackError as error:
        raise CommandError(str(error)) from None
    try:
        demo_lines = _load_demo(running.api_url, running.organiser_key) if args.demo else []
        state_file = stack.save_state()
        _print_banner(running, demo_lines, state_file)
        while not stop.wait(0.5):
            pass
        print("\nclubflow dev: stopping", flush=True)
    finally:
        stack.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("clubflow dev: stopped", flush=True)
    return 0


def _load_demo(api_url: str, key: str) -> list[str]:
    from clubflow.api import Api
    from clubflow.dev import demo

    loaded = demo.load(Api(argparse.Namespace(api=api_url, key=key)), date.today())
    lines = [f"Demo       Event 48 at {api_url}/events/{loaded.event_id}, "
             f"{len(loaded.poll_ids)} of {len(demo.POLLS)} polls"]
    return lines + [f"           {problem}" for problem in loaded.problems]


def _print_banner(running: Running, demo_lines: list[str], state_file: Path) -> None:
    key_note = ("created for this run; set CLUBFLOW_DEV_ORGANISER_KEY to keep one"
                if running.key_was_created else "from CLUBFLOW_DEV_ORGANISER_KEY")
    lines = [
        "clubflow local stack is up",
        f"API        {running.api_url}   (try {running.api_url}/health)",
        f"Events     {running.api_url}/events",
        f"Outbox     {running.api_url}/_dev/outbox.html",
        f"Organiser  Authorization: Bearer {running.organiser_key}",
        f"           ({key_note})",
        *demo_lines,
        f"AWS (moto) {running.moto_url}, region {running.region}",
        f"State      {state_file} (used by `clubflow organisers`)",
        "Ctrl-C stops everything.",
    ]
    print("\n".join(lines), flush=True)
