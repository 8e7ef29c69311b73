"""Organiser routes for the summary report: write its sections, start a run, follow a run."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.reports import forms, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events/{event_id}/report", methods=["PUT"], authorizer=organiser_auth,
                 content_types=web.JSON_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def save_report(event_id: str) -> Response:
    request = blueprint.current_request
    if not web.path_id(event_id):
        return web.not_found(request, "event")
    data = web.body(request)
    sections, errors = forms.read_sections(data)
    if sections is None:
        return web.invalid(errors)
    try:
        report = service.save_report(event_id, sections, organiser_email(request.context))
    except service.EventNotFound:
        return web.not_found(request, "event")
    return web.json_response(service.report_view(event_id, report))


@blueprint.route("/admin/events/{event_id}/report", methods=["GET"], authorizer=organiser_auth)
def show_report(event_id: str) -> Response:
    request = blueprint.current_request
    report = service.get_report(event_id) if web.path_id(event_id) else None
    if report is None:
        return web.not_found(request, "report")
    return web.json_response(service.report_view(event_id, report))


@blueprint.route("/admin/events/{event_id}/report-runs", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def start_report_run(event_id: str) -> Response:
    request = blueprint.current_request
    if not web.path_id(event_id):
        return web.not_found(request, "event")
    data = web.body(request)
    run_request, errors = forms.read_run_request(data)
    key, key_errors = forms.read_idempotency_key(request.headers.get("idempotency-key"))
    if run_request is None or key_errors:
        return web.invalid({**errors, **key_errors})
    try:
        run = service.start_report_run(event_id, run_request, organiser_email(request.context), key)
    except service.EventNotFound:
        return web.not_found(request, "event")
    except service.RunRefused as refused:
        return web.json_response(
            {"errors": {"run": "This event's report has already been sent; a dry run or a "
                                   "test_recipient send is still possible."},
             "run_id": refused.run_id}, 409)
    return web.json_response({"run_id": run["run_id"], "status": run["status"]}, 202,
                             headers={"Location": f"/admin/report-runs/{run['run_id']}"})


@blueprint.route("/admin/report-runs/{run_id}", methods=["GET"], authorizer=organiser_auth)
def report_run(run_id: str) -> Response:
    request = blueprint.current_request
    run = service.get_run(run_id) if web.path_id(run_id) else None
    if run is None:
        return web.not_found(request, "report run")
    return web.json_response(service.run_view(run))
