"""The report run that starts by itself, and what organisers hear when any run finishes.

Once the organisers mark the report ready with `send_after_days`, an EventBridge Scheduler
schedule puts the run's request on the bus that many days after the event ends (the local
pump fires it). The run's id is fixed per event, so a schedule fired twice is one run, and an
event already sent refuses it as any second real run is refused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.core import clock, hashing, mail, schedules
from chalicelib.core.domain_events import ReportRunFinished, ReportRunRequested
from chalicelib.core.text import display_title

SCHEDULED_BY = "schedule"
# Scheduler refuses a time in the past: a late decision runs a minute from now.
_SOONEST = timedelta(minutes=1)


def schedule_name(event_id: str) -> str:
    return f"report-{event_id}"


def automatic_run_id(event_id: str) -> str:
    return hashing.digest(event_id, "automatic report run")[:16]


def plan(event: dict[str, Any], report: dict[str, Any]) -> str | None:
    """Set, move or cancel the report's automatic run from its settings; return when it will
    start (UTC), or None when it will not (not ready, no delay set, or already sent)."""
    from chalicelib.reports import runs

    event_id = event["event_id"]
    days = report.get("send_after_days")
    if not report.get("ready") or days is None or report.get("real_run_id"):
        if report.get("auto_send_at"):
            schedules.cancel(schedule_name(event_id))
        return None
    now = clock.now()
    at = max(clock.parse(event["ends_at"]) + timedelta(days=int(days)), now + _SOONEST)
    request = ReportRunRequested(event_id=event_id, run_id=automatic_run_id(event_id), dry_run=False,
                                 requested_by=SCHEDULED_BY, requested_at=clock.iso(now))
    return schedules.schedule_domain_event(
        schedule_name(event_id), at, runs.RUN_REQUESTED, dict(request),
        description=f"Send the summary report of {event_id} {days} days after the event")


def tell_organiser(finished: ReportRunFinished, run: dict[str, Any], event: dict[str, Any] | None,
                   organiser: str) -> None:
    """Email one organiser the finished run's counts."""
    from chalicelib.reports import runs

    view = runs.run_view(run)
    title = display_title(event) if event else finished["event_id"]
    kind = runs.run_kind(run)
    mail.send(mail.Email(
        to=organiser,
        subject=f"Report {kind} {view.get('status')}: {title}",
        template="report_run_finished",
        context={"run": view, "kind": kind, "title": title},
    ))
