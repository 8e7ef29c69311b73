"""The console's first page once signed in: upcoming events with their counts, what needs doing
for the events just past (polls, the report), nominations waiting, and report runs in flight.

Read from the same services the /admin routes use: a handful of queries per recent event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalice import Response

from chalicelib.console.pages import Console
from chalicelib.core import clock
from chalicelib.core.text import display_title
from chalicelib.events import service as events
from chalicelib.nominations import service as nominations
from chalicelib.polls import service as polls
from chalicelib.reports import content as reports
from chalicelib.reports import runs

# Events just past whose follow-ups (polls, the report) the dashboard watches.
RECENT = 4
# Polls are taken live on the day: an event this close without one is worth a line.
POLLS_BEFORE = timedelta(days=7)


def show(console: Console) -> Response:
    upcoming = [events.public_view(item) for item in events.upcoming_events(limit=12)]
    recent = [_follow_ups(item) for item in events.past_events(limit=RECENT)]
    waiting = nominations.list_nominations(nominations.RECEIVED)
    in_flight = [{"run": run, "event": item["event"]} for item in recent
                 if (run := item["run"]) and run["status"] not in (runs.DONE, runs.FAILED)]
    todo = [line for item in recent for line in item["todo"]]
    todo += [{"text": f"{_name(event)}: no polls yet for the day", "href": f"/console/events/{event['event_id']}"}
             for event in upcoming if _soon(event) and not polls.event_polls(event["event_id"])]
    if waiting:
        todo.append({"text": f"{len(waiting)} host nomination{'s' if len(waiting) != 1 else ''} waiting for a decision",
                     "href": "/console/nominations"})
    return console.page("console/dashboard.html", events=upcoming, recent=recent, todo=todo, in_flight=in_flight)


def _follow_ups(item: dict[str, Any]) -> dict[str, Any]:
    event = events.public_view(item)
    event_id = event["event_id"]
    todo: list[dict[str, str]] = []
    page = f"/console/events/{event_id}"
    if event.get("cancelled_at"):
        return {"event": event, "todo": todo, "run": None}
    event_polls = polls.event_polls(event_id)
    if not event_polls:
        todo.append({"text": f"{_name(event)}: no polls yet", "href": page})
    still_open = [poll for poll in event_polls if poll.get("status") == polls.OPEN]
    if still_open:
        todo.append({"text": f"{_name(event)}: {len(still_open)} poll{'s' if len(still_open) != 1 else ''} still open",
                     "href": page})
    report = reports.get_report(event_id) or {}
    run = runs.get_run(str(report["real_run_id"])) if report.get("real_run_id") else None
    if run is None:
        text = "report to send" if report.get("sections") else "report to write"
        todo.append({"text": f"{_name(event)}: {text}", "href": page})
    return {"event": event, "todo": todo, "run": runs.run_view(run) if run else None}


def _soon(event: dict[str, Any]) -> bool:
    return not event.get("cancelled_at") and clock.parse(event["starts_at"]) - clock.now() <= POLLS_BEFORE


def _name(event: dict[str, Any]) -> str:
    return display_title(event)
