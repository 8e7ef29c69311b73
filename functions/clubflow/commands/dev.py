"""`clubflow dev`: the whole system on this machine, with no AWS account."""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
from datetime import date
from pathlib import Path
from types import FrameType

from clubflow.cli import CommandError
from clubflow.dev.stack import LocalStack, LocalStackError, Running, dev_organiser_email

DEFAULT_STATE = Path(".clubflow") / "dev"
DEMO_MARKER = "demo.json"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "dev",
        help="run the local stack: moto, the API, the event pump and the outbox",
        description=(
            "Run clubflow locally: AWS stood in by moto with the resources of stacks/, the API "
            "over HTTP, an event pump feeding every queue to its handler, and an outbox of every "
            "email at /_dev/outbox. Its data (table, buckets, queued messages, schedules, sent "
            "email) is kept in the state folder and is there again at the next start, even after "
            "kill -9. The organiser key comes from CLUBFLOW_DEV_ORGANISER_KEY, or is created once, "
            "kept with the state and printed. Ctrl-C stops it."
        ),
    )
    parser.add_argument("--port", type=int, default=8000,
                        help="port of the API on 127.0.0.1 (default 8000; 0 picks a free one)")
    parser.add_argument("--demo", action="store_true",
                        help='load Event 48 "Communities of Practice" and the seed\'s three polls '
                             "(once: a later start finds them in the state)")
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, metavar="DIR",
                        help=f"folder that keeps the stack's data between runs (default {DEFAULT_STATE})")
    parser.add_argument("--fresh", action="store_true", help="empty the state folder first")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stack = LocalStack(port=args.port,
                           organiser_key=os.environ.get("CLUBFLOW_DEV_ORGANISER_KEY") or None,
                           state_dir=args.state, fresh=args.fresh,
                           # "manual": work waits for POST /_dev/pump (tests that stop mid-way)
                           background_pump=os.environ.get("CLUBFLOW_DEV_PUMP") != "manual")
        running = stack.start()
    except LocalStackError as error:
        raise CommandError(str(error)) from None
    try:
        demo_lines = _demo(running, args.state) if args.demo else []
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


def _demo(running: Running, state: Path) -> list[str]:
    """Load the demo into this state once; a later start finds it there."""
    from clubflow.api import Api
    from clubflow.dev import demo

    marker = state / DEMO_MARKER
    if running.restored and marker.is_file():
        kept = json.loads(marker.read_text())
        return [f"Demo       Event 48 at {running.api_url}/events/{kept['event_id']} (kept in the state)"]
    loaded = demo.load(Api(argparse.Namespace(api=running.api_url, key=running.organiser_key)), date.today())
    marker.write_text(json.dumps({"event_id": loaded.event_id, "poll_ids": loaded.poll_ids}))
    lines = [f"Demo       Event 48 at {running.api_url}/events/{loaded.event_id}, "
             f"{len(loaded.poll_ids)} of {len(demo.POLLS)} polls"]
    return lines + [f"           {problem}" for problem in loaded.problems]


def _print_banner(running: Running, demo_lines: list[str], state_file: Path) -> None:
    key_note = {"created": "created now and kept with the state; --fresh makes a new one",
                "state": "kept with the state",
                "environment": "from CLUBFLOW_DEV_ORGANISER_KEY"}[running.key_source]
    kept = "restored" if running.restored else "new"
    lines = [
        "clubflow local stack is up",
        f"API        {running.api_url}   (try {running.api_url}/health)",
        f"Events     {running.api_url}/events",
        f"Outbox     {running.api_url}/_dev/outbox.html",
        f"Console    {running.api_url}/console   (sign in as {dev_organiser_email()}; the link arrives in the Outbox)",
        f"Organiser  Authorization: Bearer {running.organiser_key}",
        f"           ({key_note})",
        *demo_lines,
        f"AWS (moto) {running.moto_url}, region {running.region}",
        f"Data       {running.state_dir} ({kept}; kept across restarts, --fresh empties it)",
        f"Found by   {state_file} (`clubflow` commands use it)",
        "Ctrl-C stops everything.",
    ]
    print("\n".join(lines), flush=True)
