"""Organiser routes for events: create, read, change, list."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import cancellation, forms, service
from chalicelib.events import changes as changes_rules

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def create_event() -> Response:
    request = blueprint.current_request
    event_input = web.valid(forms.read_new_event(web.body(request)))
    item = service.create_event(event_input, organiser_email(request.context))
    return web.json_response(
        {"event_id": item["event_id"], "event": service.public_view(item)}, 201,
        headers={"Location": web.absolute(f"/admin/events/{item['event_id']}")},
    )


@blueprint.route("/admin/events", methods=["GET"], authorizer=organiser_auth)
def list_events() -> Response:
    return web.json_response([service.public_view(item) for item in service.all_events()])


@blueprint.route("/admin/events/{event_id}", methods=["GET"], authorizer=organiser_auth)
def show_event(event_id: str) -> Response:
    item = web.found(service.get_event(event_id), "event")
    return web.json_response(service.public_view(item))


@blueprint.route("/admin/events/{event_id}", methods=["PATCH"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def change_event(event_id: str) -> Response:
    notify, data, problems = changes_rules.read_notify(web.body(blueprint.current_request))
    current = web.found(service.get_event(event_id), "event")
    if current.get("cancelled_at"):
        raise cancellation.EventCancelled(current)
    changes, errors = forms.read_changes(data, current)
    changes = web.valid((changes, {**problems, **errors}))
    updated = web.found(service.update_event(event_id, changes, notify=notify), "event")
    return web.json_response(service.public_view(updated))


@blueprint.route("/admin/events/{event_id}/cancel", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def cancel_event(event_id: str) -> Response:
    request = blueprint.current_request
    message = web.valid(cancellation.read_message(web.body(request)))
    done = web.found(cancellation.cancel_event(event_id, message, organiser_email(request.context)), "event")
    return web.json_response({"status": "cancelled", "already": done.already,
                              "event": service.public_view(done.event)})
