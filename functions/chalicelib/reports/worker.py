"""The consumer that sends summary reports: builds a requested run and emails each batch."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint
from chalice.app import SQSEvent

from chalicelib.core import workers

blueprint = Blueprint(__name__)


@blueprint.on_sqs_message(queue_arn=workers.PLACEHOLDER_QUEUE,
                          name="send_reports", batch_size=10)
def send_reports(event: SQSEvent) -> dict[str, Any]:
    # Imported here: the API function imports this module but never runs a consumer.
    from chalicelib.core.domain_events import EventUpdated, ReportBatchDue, ReportRunFinished, ReportRunRequested
    from chalicelib.events import service as events
    from chalicelib.nominations.service import organiser_addresses
    from chalicelib.reports import automation, content, delivery, runs

    def on_run_requested(_: str, detail: ReportRunRequested) -> None:
        # A redelivered or re-published request does not build the run again.
        workers.once("build_report_run", {"run_id": detail["run_id"]},
                     lambda _: runs.build_report_run(detail))

    def on_batch_due(_: str, detail: ReportBatchDue) -> None:
        # No idempotency record: each person's claimed mark and the run's counted batches make a
        # redelivery send nobody twice, and a batch with sends in flight must be taken again later.
        delivery.send_report(detail)

    def on_run_finished(_: str, detail: ReportRunFinished) -> None:
        run = runs.get_run(detail["run_id"])
        if run is None:
            return
        found = events.get_event(detail["event_id"])
        # Each organiser's email is keyed on its own: a retry after a partial send sends the rest.
        for organiser in organiser_addresses():
            workers.once("report_run_counts", {"run_id": detail["run_id"], "to": organiser},
                         lambda payload: automation.tell_organiser(detail, run, found, payload["to"]))

    def on_event_updated(_: str, detail: EventUpdated) -> None:
        # A report that sends itself follows the event's end when it moves.
        report = content.get_report(detail["event_id"])
        found = events.get_event(detail["event_id"])
        if "ends_at" in detail["changed"] and found and report and report.get("auto_send_at"):
            content.replan(found, report)

    return workers.consume(event, {
        "EventUpdated": on_event_updated,
        runs.RUN_REQUESTED: on_run_requested,
        runs.BATCH_DUE: on_batch_due,
        runs.RUN_FINISHED: on_run_finished,
    })
