"""Middleware for every API request: correlation ids in the logs, metrics, safe headers.

SQS consumers get theirs in core/workers.py: app-level middleware never reaches a deployed
worker (Chalice gives each its own handler module, aws/chalice#1566)."""

from __future__ import annotations

from collections.abc import Callable

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.core import web
from chalicelib.core.observability import count, logger

# Statuses Chalice answers itself, before the view and its error handling (core/web).
_ANSWERED_BY_CHALICE = (405, 415)


def content_security_policy(*form_targets: str, connect_to: tuple[str, ...] = ()) -> str:
    """The site's CSP; `form_targets` are origins other than ours that a form may post or be
    redirected to (a download button is answered with a redirect to S3); `connect_to`, origins
    a page's script may send to (the console uploads slides straight to S3)."""
    form_action = " ".join(("'self'", *form_targets))
    connect = "connect-src " + " ".join(("'self'", *connect_to)) + "; " if connect_to else ""
    return ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"{connect}form-action {form_action}; frame-ancestors 'none'")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Token links must never leak through a Referer header to another site.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": content_security_policy(),
}


def install(app: Chalice) -> None:
    @app.middleware("http")
    def observe_request(event: Request, get_response: Callable[[Request], Response]) -> Response:
        context = event.context or {}
        logger.append_keys(correlation_id=context.get("requestId", ""))
        response = get_response(event)
        if response.status_code in _ANSWERED_BY_CHALICE and not web.wants_json(event):
            # Chalice refuses a method or media type before any view runs, as bare JSON.
            response = web.error_page(response.status_code)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        logger.info(
            "request",
            extra={"method": event.method, "route": context.get("resourcePath"),
                   "status": response.status_code},
        )
        server_error = {"ServerErrors": 1} if response.status_code >= 500 else {}
        count({"Requests": 1, **server_error})
        return response
