"""`clubflow smoke`: check a fresh deployment end to end, and leave nothing behind.

It asks the API for its health, opens the events page, creates an event, opens its page,
registers SES's mailbox simulator (success@simulator.amazonses.com: SES accepts the mail and
delivers it nowhere, and it counts against no reputation), then erases that person and moves
the event into the past so no one sees it. Each step prints one line; the first that fails
stops the run with its reason.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from clubflow import api
from clubflow.cli import CommandError

SIMULATOR = "success@simulator.amazonses.com"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("smoke", help="check a deployment end to end (health, pages, a registration)",
                                   description=__doc__.split("\n\n")[0] if __doc__ else None)
    api.add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    client = api.Api(args)
    steps: list[tuple[str, Callable[[], str]]] = []
    state: dict[str, str] = {}

    def step(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
        def add(check: Callable[[], str]) -> Callable[[], str]:
            steps.append((name, check))
            return check
        return add

    @step("health")
    def health() -> str:
        answer = client.call("GET", "/health")
        if answer != {"status": "ok"}:
            raise CommandError(f"/health answered {answer!r}")
        return "ok"

    @step("events page")
    def events_page() -> str:
        page = client.page("/events")
        if "text/html" not in page.headers.get("Content-Type", ""):
            raise CommandError(f"/events answered {page.headers.get('Content-Type')}, not a page")
        return f"{len(page.content)} bytes"

    @step("create an event")
    def create() -> str:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=365)
        event = client.call("POST", "/admin/events", {
            "title": f"Smoke test {int(time.time())}", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "timezone": "UTC", "venue": "Nowhere",
            "host": "clubflow smoke", "capacity": 1})
        state["event_id"] = event["event"]["event_id"]
        return state["event_id"]

    @step("event page")
    def event_page() -> str:
        page = client.page(f"/events/{state['event_id']}")
        return f"{len(page.content)} bytes"

    @step("register the SES mailbox simulator")
    def registration() -> str:
        client.call("POST", f"/events/{state['event_id']}/registrations", {
            "email": SIMULATOR, "name": "Smoke Test", "organisation": "clubflow", "job_title": "Check"})
        event = client.call("GET", f"/admin/events/{state['event_id']}")
        confirmed = event.get("counts", {}).get("confirmed")
        if confirmed != 1:
            raise CommandError(f"the event counts {confirmed} confirmed, not 1")
        return "confirmed 1 (the confirmation goes to SES's simulator)"

    @step("clean up")
    def clean_up() -> str:
        client.call("POST", "/admin/people/erase", {"email": SIMULATOR})
        past = datetime(2000, 1, 1, 10, tzinfo=UTC)
        client.call("PATCH", f"/admin/events/{state['event_id']}", {
            "starts_at": past.isoformat(), "ends_at": (past + timedelta(hours=1)).isoformat()})
        return "person erased, event moved into the past"

    for name, check in steps:
        try:
            print(f"{name:<36} {check()}", flush=True)
        except CommandError as error:
            print(f"{name:<36} FAILED", flush=True)
            if "event_id" in state and name != "clean up":
                print(f"(event {state['event_id']} was created for the check; "
                      "`clubflow smoke` removes it only when every step passes)")
            raise CommandError(f"smoke check failed at '{name}': {error}") from None
    print("smoke check passed")
    return 0
