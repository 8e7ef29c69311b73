"""Public registration routes: register on an event's form, manage and cancel by emailed link.

Registering answers the same for a new, waiting or repeated registration (and for a turned-away
bot): the outcome goes by email, so the answer never reveals whether an address is known.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import form_guard, rate_limits, render, web
from chalicelib.core.observability import logger
from chalicelib.core.validation import Form
from chalicelib.events import service as events
from chalicelib.registration import forms, service

blueprint = Blueprint(__name__)
REGISTER = "/events/{event_id}/registrations"


def _private(response: Response) -> Response:
    # Pages reached by a personal link must not be kept by shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _received(request: Request) -> Response:
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return web.page("registration_received.html", 202)


def _form_again(request: Request, event_id: str, data: dict[str, Any], form: Form, *,
                press_again: bool = False) -> Response:
    """The event's form again with each message next to its field (JSON: the messages)."""
    if web.wants_json(request):
        return web.invalid(form.errors or {form_guard.FORM_STARTED: form_guard.PRESS_AGAIN})
    event = web.found(events.get_event(event_id), "event")
    if not events.registration_open(event):
        raise service.RegistrationClosed(event)
    return web.page("event.html", 400, event=event, open=True, values=form.values, errors=form.errors,
                    form_started=form_guard.kept_stamp(data), press_again=press_again)


@blueprint.route(REGISTER, methods=["POST"], content_types=web.FORM_TYPES)
@rate_limits.counts_itself  # in the registration's own transaction: still one request
def register(event_id: str) -> Response:
    request = blueprint.current_request
    data = web.body(request)
    if form_guard.filled_honeypot(data):
        logger.info("registration turned away quietly", extra={"event_id": event_id})
        return _received(request)
    registrant, form = forms.read_registrant(data)
    if registrant is None:
        return _form_again(request, event_id, data, form)
    if form_guard.too_fast(data, browser_form=not web.sent_json(request)):
        # Autofill is this fast too: never drop it unseen; the person presses Register again.
        logger.info("registration posted too fast: asked to press again", extra={"event_id": event_id})
        return _form_again(request, event_id, data, form, press_again=True)
    service.register(event_id, registrant, rate_limits.counter_op(rate_limits.client(request), REGISTER))
    return _received(request)


@blueprint.route("/r/{token}", methods=["GET"])
def manage(token: str) -> Response:
    request = blueprint.current_request
    managed = web.found(service.from_link(token), "link")
    if web.wants_json(request):
        return _private(web.json_response({
            "event": events.public_view(managed.event),
            "registration": _registration_view(managed.record, managed.position),
        }))
    html = render.render("pages/registration_manage.html", event=managed.event,
                         person=managed.record, position=managed.position, token=token)
    return _private(web.html_response(html))


@blueprint.route("/r/{token}/cancel", methods=["POST"], content_types=web.FORM_TYPES)
def cancel(token: str) -> Response:
    request = blueprint.current_request
    managed, cancellation = web.found(service.cancel_by_link(token), "link")
    if web.wants_json(request):
        return _private(web.json_response({"status": "cancelled", "already": cancellation.already}))
    html = render.render("pages/registration_cancelled.html", event=managed.event,
                         person=managed.record, already=cancellation.already)
    return _private(web.html_response(html))


def _registration_view(record: dict[str, Any], position: int | None) -> dict[str, Any]:
    shown = {name: record.get(name) for name in (
        "email", "name", "organisation", "job_title", "needs", "consent_report",
        "consent_updates", "status", "registered_at")}
    if position is not None:
        shown["position"] = position
    return shown
