"""Request parsing and responses shared by every route: forms or JSON in, HTML or JSON out,
and the one place a refused or failed request is answered.

`answer_refusals(app)` wraps every route once, at wiring time, so a view only parses, makes one
service call and renders: a body too large or unreadable is refused before the view runs (so
before any token or resource is looked up), and the errors of core/errors raised anywhere below
a view are answered here, as JSON for organiser routes and API clients, as a page for browsers.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qs

from chalice import Chalice, Response
from chalice.app import Request

from chalicelib.core import errors, rate_limits, render
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings

FORM_TYPES = ["application/x-www-form-urlencoded", "application/json"]
JSON_TYPES = ["application/json"]
MAX_BODY_BYTES = 64 * 1024
ORGANISER_PREFIX = "/admin"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_READ_TYPES = ("application/json", "application/x-www-form-urlencoded")
_ANSWERS_REFUSALS = "__answers_refusals__"
_PARSED_BODY = "_clubflow_parsed_body"
SERVER_ERROR = "Something went wrong on our side; nothing was changed. Please try again in a moment."

T = TypeVar("T")
View = Callable[..., Response]


def wants_json(request: Request) -> bool:
    return wants_json_by(request.headers)


def wants_json_by(headers: Mapping[str, str]) -> bool:
    """JSON for a client that asks for it, or that sent JSON without asking for HTML."""
    accept = (headers.get("accept") or "").lower()
    content_type = (headers.get("content-type") or "").lower()
    if "application/json" in accept:
        return True
    # An API client that sent JSON and did not ask for HTML gets JSON.
    return "text/html" not in accept and content_type.startswith("application/json")


def sent_json(request: Request) -> bool:
    return (request.headers.get("content-type") or "").lower().startswith("application/json")


def body(request: Request) -> dict[str, Any]:
    """The request body as a dict, from a form post or a JSON object.

    Raises errors.TooLarge over MAX_BODY_BYTES and errors.Invalid for a body that cannot be
    read (malformed or too deeply nested JSON, not UTF-8, not an object).
    """
    parsed: dict[str, Any] | None = getattr(request, _PARSED_BODY, None)
    if parsed is None:
        parsed = _parse_body(request)
        # check_body reads it before the view does: parse it once per request.
        setattr(request, _PARSED_BODY, parsed)
    return parsed


def _parse_body(request: Request) -> dict[str, Any]:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise errors.TooLarge({"body": f"The request is too large; the limit is {MAX_BODY_BYTES // 1024} KB."})
    if sent_json(request):
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            # ValueError covers bytes that are not UTF-8; RecursionError, nesting too deep.
            raise errors.Invalid({"body": "Send a valid JSON object."}) from None
        if not isinstance(data, dict):
            raise errors.Invalid({"body": "Send a JSON object with named fields."})
        return data
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise errors.Invalid({"body": "Send the form as UTF-8."}) from None
    parsed = parse_qs(text, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def check_body(request: Request) -> None:
    """Refuse a body that no route could use, whether or not the route reads it."""
    raw = request.raw_body or b""
    content_type = (request.headers.get("content-type") or "").lower()
    if len(raw) > MAX_BODY_BYTES or content_type.startswith(_READ_TYPES):
        body(request)


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


def absolute(path: str) -> str:
    """`path` on this site as an absolute URL. A bare path would miss API Gateway's stage prefix
    (`/prod`) when the API is reached on its execute-api address; PUBLIC_BASE_URL includes it."""
    return f"{get_settings().public_base_url}{path}" if path.startswith("/") else path


def redirect(location: str, status: int = 303) -> Response:
    return Response(body="", status_code=status, headers={"Location": absolute(location)})


def refusal(error: errors.Refused, *, as_json: bool) -> Response:
    """The answer to a refused request: `{"errors": {...}}` as JSON, or the error page."""
    if as_json:
        response = json_response({"errors": error.errors, **error.extra}, error.status)
    else:
        response = error_page(error.status, errors=error.errors, **error.page)
    # A refusal is about this request only (and may name a personal link): never keep it.
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(error.headers)
    return response


def error_page(status: int, **context: Any) -> Response:
    """The site's page for an error status (400, 403, 404, 409, 413, 429, 500)."""
    context.setdefault("errors", {})
    return page("error.html", status, code=status, **context)


def server_error(*, as_json: bool) -> Response:
    if as_json:
        return json_response({"errors": {"_": SERVER_ERROR}}, 500)
    return error_page(500, errors={"_": SERVER_ERROR})


def not_found(request: Request, what: str = "page") -> Response:
    return refusal(errors.NotFound(what), as_json=wants_json(request))


def invalid(errors_by_field: dict[str, str]) -> Response:
    return json_response({"errors": errors_by_field}, 400)


def found(value: T | None, what: str) -> T:
    """`value`, or NotFound(what) when there is none."""
    if value is None:
        raise errors.NotFound(what)
    return value


def valid(read: tuple[T | None, dict[str, str]]) -> T:
    """The value of a form reader's `(value, errors)`, or Invalid with its errors."""
    value, problems = read
    if problems or value is None:
        raise errors.Invalid(problems)
    return value


def path_id(value: str) -> bool:
    """Ids in paths are our own (url-safe, short); anything else is simply not found."""
    return 0 < len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)


def _what(parameter: str) -> str:
    return {"run_id": "report run"}.get(parameter, parameter.removesuffix("_id").replace("_", " "))


def answering_refusals(app: Chalice, path: str, view: View) -> View:
    """`view` with its request's body checked first and every refusal or failure answered."""
    as_json_always = path.startswith(ORGANISER_PREFIX)

    @functools.wraps(view)
    def answer(*args: Any, **kwargs: Any) -> Response:
        request = app.current_request
        assert request is not None
        as_json = as_json_always or wants_json(request)
        try:
            if request.method in BODY_METHODS:
                check_body(request)
            for name, value in kwargs.items():
                # An id that is not one of ours names nothing: not found, without a lookup.
                if name.endswith("_id") and not path_id(value):
                    raise errors.NotFound(_what(name))
            if rate_limits.applies(request.method, path) and not rate_limits.counted_by_view(view):
                rate_limits.admit(rate_limits.client(request), path)
            return view(*args, **kwargs)
        except errors.Refused as error:
            refused = error
        except Exception:
            logger.exception("request failed", extra={"method": request.method, "route": path})
            return server_error(as_json=as_json)
        try:
            return refusal(refused, as_json=as_json)
        except Exception:
            logger.exception("refusal could not be shown", extra={"method": request.method, "route": path})
            return server_error(as_json=as_json)

    setattr(answer, _ANSWERS_REFUSALS, True)
    return answer


def answer_refusals(app: Chalice) -> None:
    """Wrap every route of `app` (once) with `answering_refusals`."""
    for path, entries in app.routes.items():
        for entry in entries.values():
            if not getattr(entry.view_function, _ANSWERS_REFUSALS, False):
                entry.view_function = answering_refusals(app, path, entry.view_function)
