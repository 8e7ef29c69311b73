"""Middleware for every invocation: correlation ids in the logs, metrics, safe headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Chalice, Response
from chalice.app import Request, SQSEvent

from chalicelib.core.observability import logger, metrics, tracer

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Token links must never leak through a Referer header to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
}


def install(app: Chalice) -> None:
    @app.middleware("http")
    def observe_request(event: Request, get_response: Callable[[Request], Response]) -> Response:
        context = event.context or {}
        logger.append_keys(correlation_id=context.get("requestId", ""))
        response = get_response(event)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        logger.info(
            "request",
            extra={"method": event.method, "route": context.get("resourcePath"),
                   "status": response.status_code},
        )
        _count("Requests", status=response.status_code)
        return response

    @app.middleware("sqs")
    def observe_batch(event: SQSEvent, get_response: Callable[[SQSEvent], Any]) -> Any:
        records = event.to_dict().get("Records", [])
        logger.append_keys(correlation_id=records[0].get("messageId") if records else None)
        with tracer().provider.in_subsegment("## consume") as subsegment:
            subsegment.put_annotation("records", str(len(records)))
            result = get_response(event)
        failures = len((result or {}).get("batchItemFailures", []))
        _count("RecordsFailed", value=failures)
        return result


def _count(name: str, value: int = 1, status: int | None = None) -> None:
    from aws_lambda_powertools.metrics import MetricUnit

    recorder = metrics()
    recorder.add_metric(name=name, unit=MetricUnit.Count, value=value)
    if status is not None and status >= 500:
        recorder.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
    # One EMF line per invocation; Chalice has no handler decorator to flush for us.
    recorder.flush_metrics()
