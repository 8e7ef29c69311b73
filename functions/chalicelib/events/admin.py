"""Organiser routes for events: create, read, change, list."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import forms, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def create_event() -> Response:
    request = blueprint.current_request
    data = web.body(request)
    event_input, errors = forms.read_new_event(data)
    if event_input is None:
        return web.invalid(errors)
    item = service.create_event(event_input, organiser_email(request.context))
    return web.json_response(
        {"event_id": item["event_id"], "event": service.public_view(item)}, 201,
        headers={"Location": f"/admin/events/{item['event_id']}"},
    )


@blueprint.route("/admin/events", methods=["GET"], authorizer=organiser_auth)
def list_events() -> Response:
    return web.json_response([service.public_view(item) for item in service.all_events()])


@blueprint.route("/admin/events/{event_id}", methods=["GET"], authorizer=organiser_auth)
def show_event(event_id: str) -> Response:
    request = blueprint.current_request
    item = service.get_event(event_id) if web.path_id(event_id) else None
    if item is None:
        return web.not_found(request, "event")
    return web.json_response(service.public_view(item))


@blueprint.route("/admin/events/{event_id}", methods=["PATCH"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def change_event(event_id: str) -> Response:
    request = blueprint.current_request
    current = service.get_event(event_id) if web.path_id(event_id) else None
    if current is None:
        return web.not_found(request, "event")
    data = web.body(request)
    changes, errors = forms.read_changes(data, current)
    if errors:
        return web.invalid(errors)
    try:
        updated = service.update_event(event_id, changes)
    except service.CapacityTooSmall:
        return web.invalid({
            "capacity": f"{current.get('confirmed', 0)} people are already confirmed; "
                        "capacity cannot be lower than that."
        })
    if updated is None:
        return web.not_found(request, "event")
    return web.json_response(service.public_view(updated))
