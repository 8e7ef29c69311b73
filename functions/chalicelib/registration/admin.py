"""Organiser routes for registrations: the list (JSON or CSV), attendance and check-in at the door."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import service as events
from chalicelib.registration import attendance_runs, checkins, export, forms, messages, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events/{event_id}/registrations", methods=["GET"], authorizer=organiser_auth)
def list_registrations(event_id: str) -> Response:
    request = blueprint.current_request
    wanted = (request.query_params or {"format": "json"}).get("format", "json")
    if wanted not in ("json", "csv"):
        return web.invalid({"format": "Use format=csv for a spreadsheet, or leave it out for JSON."})
    event, records = web.found(service.roster(event_id), "event")
    if wanted == "csv":
        return Response(
            body=export.to_csv(records),
            status_code=200,
            headers={
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{event_id}-registrations.csv"',
                "Cache-Control": "no-store",
            },
        )
    return web.json_response({
        "event_id": event_id,
        "counts": events.counts(event),
        "registrations": [export.view(record) for record in records],
    })


@blueprint.route("/admin/events/{event_id}/attendance", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def mark_attendance(event_id: str) -> Response:
    request = blueprint.current_request
    emails = web.valid(forms.read_attendance(web.body(request)))
    if not attendance_runs.at_once(emails):
        # A long list is marked through the bus: follow the run for its progress.
        run = attendance_runs.start_run(event_id, emails, organiser_email(request.context))
        return web.json_response(attendance_runs.run_view(run), 202,
                                 headers={"Location": f"/admin/attendance-runs/{run['run_id']}"})
    result = service.mark_attended(event_id, emails)
    return web.json_response({
        "marked": result.marked, "already": result.already, "unknown": result.unknown,
    })


@blueprint.route("/admin/attendance-runs/{run_id}", methods=["GET"], authorizer=organiser_auth)
def show_attendance_run(run_id: str) -> Response:
    return web.json_response(attendance_runs.run_view(web.found(attendance_runs.get_run(run_id), "attendance run")))


@blueprint.route("/admin/events/{event_id}/checkins", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def check_in(event_id: str) -> Response:
    by = checkins.invalid_if_missing(checkins.read_checkin(web.body(blueprint.current_request)))
    return web.json_response(checkins.check_in_view(checkins.check_in(event_id, by)))


@blueprint.route("/admin/events/{event_id}/messages", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def write_to_people(event_id: str) -> Response:
    request = blueprint.current_request
    message = web.valid(messages.read_message(web.body(request)))
    item = messages.send_message(event_id, message, organiser_email(request.context))
    return web.json_response({"status": "queued", "message_id": item["message_id"]}, 202,
                             headers={"Location": f"/admin/events/{event_id}/messages/{item['message_id']}"})


@blueprint.route("/admin/events/{event_id}/messages/{message_id}", methods=["GET"], authorizer=organiser_auth)
def show_message(event_id: str, message_id: str) -> Response:
    item = web.found(messages.get_message(event_id, message_id), "message")
    return web.json_response(messages.message_view(item))
