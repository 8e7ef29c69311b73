"""Organiser routes for events: create, read, change, list."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import forms, service

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
    data = web.body(blueprint.current_request)
    current = web.found(service.get_event(event_id), "event")
    changes = web.valid(forms.read_changes(data, current))
    updated = web.found(service.update_event(event_id, changes), "event")
    return web.json_response(service.public_view(updated))
