"""Organiser routes for an event's slides: get an upload URL, list files with downloads, remove."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.errors import NotFound
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import service as events
from chalicelib.slides import forms, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events/{event_id}/slides", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def start_slide_upload(event_id: str) -> Response:
    request = blueprint.current_request
    data = web.body(request)
    web.found(events.get_event(event_id), "event")
    upload = web.valid(forms.read_upload(data))
    if upload.method == "POST":
        form = service.start_form_upload(event_id, upload, organiser_email(request.context))
        return web.json_response(
            {"upload_url": form.url, "key": form.fields["key"], "file_id": form.file_id, "method": "POST",
             "fields": form.fields, "expires_in": form.expires_in},
            201, headers={"Location": web.absolute(f"/admin/events/{event_id}/slides/{form.file_id}")})
    plan = service.start_upload(event_id, upload, organiser_email(request.context))
    return web.json_response(
        {"upload_url": plan.upload_url, "key": plan.key, "file_id": plan.file_id,
         "method": "PUT", "headers": plan.headers, "expires_in": plan.expires_in},
        201,
        headers={"Location": web.absolute(f"/admin/events/{event_id}/slides/{plan.file_id}")},
    )


@blueprint.route("/admin/events/{event_id}/slides", methods=["GET"], authorizer=organiser_auth)
def list_slides(event_id: str) -> Response:
    event = web.found(events.get_event(event_id), "event")
    return web.json_response(service.download_report(event))


@blueprint.route("/admin/events/{event_id}/slides/{file_id}", methods=["DELETE"],
                 authorizer=organiser_auth)
def remove_slide(event_id: str, file_id: str) -> Response:
    if not service.remove_file(event_id, file_id):
        raise NotFound("file")
    return web.json_response({"status": "removed", "file_id": file_id})
