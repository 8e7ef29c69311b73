"""Request parsing and responses shared by every route: forms or JSON in, HTML or JSON out."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import render

FORM_TYPES = ["application/x-www-form-urlencoded", "application/json"]
JSON_TYPES = ["application/json"]
MAX_BODY_BYTES = 64 * 1024


class BadRequest(Exception):
    """The body cannot be read at all (too large, malformed JSON, wrong shape)."""

    def __init__(self, status: int, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.status = status
        self.errors = errors


def wants_json(request: Request) -> bool:
    accept = (request.headers.get("accept") or "").lower()
    content_type = (request.headers.get("content-type") or "").lower()
    if "application/json" in accept:
        return True
    # An API client that sent JSON and did not ask for HTML gets JSON.
    return "text/html" not in accept and content_type.startswith("application/json")


def body(request: Request) -> dict[str, Any]:
    """The request body as a dict, from a form post or a JSON object."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(413, {"body": f"The request is too large; the limit is {MAX_BODY_BYTES // 1024} KB."})
    content_type = (request.headers.get("content-type") or "").lower()
    if content_type.startswith("application/json"):
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest(400, {"body": "Send a valid JSON object."}) from None
        if not isinstance(data, dict):
            raise BadRequest(400, {"body": "Send a JSON object with named fields."})
        return data
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BadRequest(400, {"body": "Send the form as UTF-8."}) from None
    parsed = parse_qs(text, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(data, default=str),
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def html_response(html: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=html,
        status_code=status,
        headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})},
    )


def page(template: str, status: int = 200, **context: Any) -> Response:
    return html_response(render.render(f"pages/{template}", **context), status)


def redirect(location: str, status: int = 303) -> Response:
    return Response(body="", status_code=status, headers={"Location": location})


def not_found(request: Request, what: str = "page") -> Response:
    if wants_json(request):
        return json_response({"errors": {"_": f"No such {what}."}}, 404)
    return page("not_found.html", 404, what=what)


def bad_request(request: Request, error: BadRequest) -> Response:
    if wants_json(request) or error.status == 413:
        return json_response({"errors": error.errors}, error.status)
    return page("error.html", error.status, errors=error.errors)


View = Callable[..., Response]


def answers_unreadable_bodies(blueprint: Blueprint, *, as_json: bool = False) -> Callable[[View], View]:
    """Let a view call `body(request)` plainly: a body that cannot be read at all is answered
    here, 400 or 413, as JSON for organiser routes and by content negotiation elsewhere."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Response:
            try:
                return view(*args, **kwargs)
            except BadRequest as error:
                if as_json:
                    return json_response({"errors": error.errors}, error.status)
                return bad_request(blueprint.current_request, error)

        return wrapped

    return decorate


def invalid(errors: dict[str, str]) -> Response:
    return json_response({"errors": errors}, 400)


def path_id(value: str) -> bool:
    """Ids in paths are our own (url-safe, short); anything else is simply not found."""
    return 0 < len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)
