"""Public slide routes: the request form, the request itself, and the emailed download link."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import clock, middleware, web
from chalicelib.core.settings import get_settings
from chalicelib.events import service as events
from chalicelib.slides import forms, service

blueprint = Blueprint(__name__)

# Token pages must not be cached by a shared cache or leak through Referer.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _form_page(event: dict[str, Any], status: int = 200, values: dict[str, Any] | None = None,
               errors: dict[str, str] | None = None) -> Response:
    # A form sent back with errors was on screen, so the slides are there: no need to look.
    available = bool(errors) or bool(service.published_files(event["event_id"]))
    return web.page(
        "slides/request.html", status, event=event, available=available,
        policy=event.get("slide_policy") or "registered",
        consent_text=service.CONSENT_TEXT, values=values or {}, errors=errors or {},
    )


@blueprint.route("/events/{event_id}/slides", methods=["GET"])
def slides_form(event_id: str) -> Response:
    return _form_page(web.found(events.get_event(event_id), "event"))


@blueprint.route("/events/{event_id}/slides/requests", methods=["POST"],
                 content_types=web.FORM_TYPES)
def request_slides(event_id: str) -> Response:
    request = blueprint.current_request
    event = web.found(events.get_event(event_id), "event")
    data = web.body(request)
    slide_request, form = forms.read_request(data, event.get("slide_policy") or "registered")
    if slide_request is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return _form_page(event, 400, values=form.values, errors=form.errors)
    service.request_slides(event, slide_request)
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return web.page("slides/requested.html", 202, event=event,
                    days=get_settings().slide_link_days)


@blueprint.route("/s/{token}", methods=["GET"])
def download_page(token: str) -> Response:
    """The emailed link: a page with a Download button. Looking uses nothing; scanners look."""
    request = blueprint.current_request
    offer = service.download_offer(token)
    if offer is None:
        return _link_not_found(request)
    if web.wants_json(request):
        return web.json_response({"filename": offer.filename, "uses_left": offer.uses_left,
                                  "expires_at": clock.iso(offer.expires_at)}, headers=_PRIVATE)
    response = web.page(
        "slides/download.html", event=events.get_event(offer.event_id), offer=offer, token=token,
        size=forms.size_text(offer.size), wanted_event=_wanted_event(request),
    )
    response.headers.update(_PRIVATE)
    # The button's post is answered with a redirect to S3; form-action must allow it.
    response.headers["Content-Security-Policy"] = middleware.content_security_policy(service.download_origin())
    return response


@blueprint.route("/s/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def download(token: str) -> Response:
    """The page's Download button: one use, answered with a short-lived presigned URL."""
    request = blueprint.current_request
    found = service.record_download(token)
    if found is None:
        return _link_not_found(request)
    return Response(body="", status_code=303, headers={"Location": found.url, **_PRIVATE})


def _wanted_event(request: Request) -> str:
    # The event named in the link's query (never the token) decides where to offer a new link.
    query = request.query_params
    wanted = str(query.get("event") or "") if query else ""
    return wanted if web.path_id(wanted) else ""


def _link_not_found(request: Request) -> Response:
    if web.wants_json(request):
        return web.json_response(
            {"errors": {"token": "This link is unknown, expired or used up; ask for a new one."}},
            404, headers=_PRIVATE,
        )
    wanted = _wanted_event(request)
    event = events.get_event(wanted) if wanted else None
    settings = get_settings()
    response = web.page(
        "slides/link_not_found.html", 404, event=event,
        policy=(event or {}).get("slide_policy") or "registered",
        consent_text=service.CONSENT_TEXT, values={}, errors={},
        days=settings.slide_link_days, uses=settings.slide_link_uses,
    )
    response.headers.update(_PRIVATE)
    return response
