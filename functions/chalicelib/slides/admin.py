"""Organiser routes for an event's slides: get an upload URL, list files with downloads, remove."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import service as events
from chalicelib.slides import forms, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events/{event_id}/slides", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def start_slide_upload(event_id: str) -> Response:
    request = blueprint.current_request
    if not web.path_id(event_id) or events.get_event(event_id) is None:
        return web.not_found(request, "event")
    data = web.body(request)
    upload, errors = forms.read_upload(data)
    if upload is None:
        return web.invalid(errors)
    try:
        plan = service.start_upload(event_id, upload, organiser_email(request.context))
    except service.TooManyFiles:
        return web.invalid({"filename": f"This event already holds {service.MAX_FILES} files; "
                                        "remove one before adding another."})
    return web.json_response(
        {"upload_url": plan.upload_url, "key": plan.key, "file_id": plan.file_id,
         "method": "PUT", "headers": plan.headers, "expires_in": plan.expires_in},
        201,
        headers={"Location": f"/admin/events/{event_id}/slides/{plan.file_id}"},
    )


@blueprint.route("/admin/events/{event_id}/slides", methods=["GET"], authorizer=organiser_auth)
def list_slides(event_id: str) -> Response:
    request = blueprint.current_request
    event = events.get_event(event_id) if web.path_id(event_id) else None
    if event is None:
        return web.not_found(request, "event")
    return web.json_response(service.download_report(event))


@blueprint.route("/admin/events/{event_id}/slides/{file_id}", methods=["DELETE"],
                 authorizer=organiser_auth)
def remove_slide(event_id: str, file_id: str) -> Response:
    request = blueprint.current_request
    if not (web.path_id(event_id) and web.path_id(file_id)):
        return web.not_found(request, "file")
    if not service.remove_file(event_id, file_id):
        return web.not_found(request, "file")
    return web.json_response({"status": "removed", "file_id": file_id})
