"""Public registration routes: register on an event's form, manage and cancel by emailed link.

Registering answers the same for a new, waiting or repeated registration (and for a turned-away
bot): the outcome goes by email, so the answer never reveals whether an address is known.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import form_guard, rate_limits, render, web
from chalicelib.core.errors import NotFound
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.validation import Form
from chalicelib.events import service as events
from chalicelib.registration import calendar_links, checkins, emails, forms, service
from chalicelib.registration import manage as details

blueprint = Blueprint(__name__)
REGISTER = "/events/{event_id}/registrations"


def _private(response: Response) -> Response:
    # Pages reached by a personal link must not be kept by shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _received(request: Request, event_id: str, data: dict[str, Any]) -> Response:
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    # The address as typed, so a typo is caught at once; shown alike whether or not it is known.
    typed = data.get("email")
    return web.page("registration_received.html", 202, email=typed.strip() if isinstance(typed, str) else "",
                    event_id=event_id)


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
        return _received(request, event_id, data)
    registrant, form = forms.read_registrant(data)
    if registrant is None:
        return _form_again(request, event_id, data, form)
    if form_guard.too_fast(data, browser_form=not web.sent_json(request)):
        # Autofill is this fast too: never drop it unseen; the person presses Register again.
        logger.info("registration posted too fast: asked to press again", extra={"event_id": event_id})
        return _form_again(request, event_id, data, form, press_again=True)
    service.register(event_id, registrant, rate_limits.counter_op(rate_limits.client(request), REGISTER))
    return _received(request, event_id, data)


@blueprint.route("/r/{token}", methods=["GET"])
def manage(token: str) -> Response:
    request = blueprint.current_request
    managed = web.found(service.from_link(token), "link")
    if web.wants_json(request):
        return _private(web.json_response(_managed_view(managed)))
    return _manage_page(managed, token)


@blueprint.route("/r/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def change_details(token: str) -> Response:
    request = blueprint.current_request
    data = web.body(request)
    managed, form = details.manage_by_link(token, data, whole_form=not web.sent_json(request))
    managed = web.found(managed, "link")
    if not form.ok:
        if web.wants_json(request):
            return _private(web.invalid(form.errors))
        return _manage_page(managed, token, status=400, values=form.values, errors=form.errors)
    if web.wants_json(request):
        return _private(web.json_response(_managed_view(managed)))
    return _manage_page(managed, token, saved=True)


@blueprint.route("/r/{token}/invite.ics", methods=["GET"])
def calendar_file(token: str) -> Response:
    # Only a page's worth of reading: fetching it again (as scanners do) changes nothing.
    managed = web.found(service.from_link(token), "link")
    if managed.record.get("status") != service.CONFIRMED:
        raise NotFound("invite")
    attachment = emails.invite(managed.event, managed.record, _manage_url(token))
    return _private(Response(body=attachment.data.decode(), status_code=200, headers={
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'attachment; filename="invite.ics"'}))


def _manage_url(token: str) -> str:
    return f"{get_settings().public_base_url}/r/{token}"


def _managed_view(managed: service.Managed) -> dict[str, Any]:
    return {"event": events.public_view(managed.event),
            "registration": _registration_view(managed.record, managed.position)}


def _manage_page(managed: service.Managed, token: str, *, status: int = 200, saved: bool = False,
                 values: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Response:
    url = _manage_url(token)
    html = render.render(
        "pages/registration_manage.html", event=managed.event, person=managed.record,
        position=managed.position, token=token, saved=saved, errors=errors or {},
        values=values if values is not None else details.held_values(managed.record),
        google_url=calendar_links.google(managed.event, url), outlook_url=calendar_links.outlook(managed.event, url))
    return _private(web.html_response(html, status))


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


@blueprint.route("/k/{token}", methods=["GET"])
def checkin_code(token: str) -> Response:
    # What a phone's camera opens from the QR code: the code again, for the door; changes nothing.
    event_id, email = web.found(checkins.holder(token), "check-in code")
    event = web.found(events.get_event(event_id), "check-in code")
    record = web.found(service.get_registration(event_id, email), "check-in code")
    return _private(web.page("checkin_code.html", event=event, person=record, token=token))
