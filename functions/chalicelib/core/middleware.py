"""Middleware for every HTTP request: correlation id in the logs, a metric, safe headers."""

from __future__ import annotations

from collections.abc import Callable

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.core.observability import logger

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
        request_id = (event.context or {}).get("requestId", "")
        logger.append_keys(correlation_id=request_id)
        response = get_response(event)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        logger.info(
            "request",
            extra={"method": event.method, "path": (event.context or {}).get("resourcePath"),
                   "status": response.status_code},
        )
        return response

