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
    from chalicelib.core.domain_events import ReportBatchDue, ReportRunRequested
    from chalicelib.reports import delivery, runs

    def on_run_requested(_: str, detail: ReportRunRequested) -> None:
        # A redelivered or re-published request does not build the run again.
        workers.once("build_report_run", {"run_id": detail["run_id"]},
                     lambda _: runs.build_report_run(detail))

    def on_batch_due(_: str, detail: ReportBatchDue) -> None:
        workers.once("send_report", {"run_id": detail["run_id"], "batch": detail["batch"]},
                     lambda _: delivery.send_report(detail))

    return workers.consume(event, {
        runs.RUN_REQUESTED: on_run_requested,
        runs.BATCH_DUE: on_batch_due,
    })
