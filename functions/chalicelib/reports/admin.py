"""Organiser routes for the summary report: write its sections, start a run, follow a run."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.core.validation import Form
from chalicelib.events import service as events
from chalicelib.reports import content, forms, preview, runs

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events/{event_id}/report", methods=["PUT"], authorizer=organiser_auth,
                 content_types=web.JSON_TYPES)
def save_report(event_id: str) -> Response:
    request = blueprint.current_request
    settings = web.valid(forms.read_report(web.body(request)))
    report = content.save_report(event_id, settings, organiser_email(request.context))
    return web.json_response(content.report_view(event_id, report))


@blueprint.route("/admin/events/{event_id}/report", methods=["GET"], authorizer=organiser_auth)
def show_report(event_id: str) -> Response:
    # An event with no report written yet shows what its report would hold.
    web.found(events.get_event(event_id), "event")
    return web.json_response(content.report_view(event_id, content.get_report(event_id)))


@blueprint.route("/admin/events/{event_id}/report/preview", methods=["GET"], authorizer=organiser_auth)
def preview_report(event_id: str) -> Response:
    request = blueprint.current_request
    return web.json_response(preview.preview_report(event_id, organiser_email(request.context)))


@blueprint.route("/admin/events/{event_id}/report-runs", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def start_report_run(event_id: str) -> Response:
    request = blueprint.current_request
    run_request, errors = forms.read_run_request(web.body(request), organiser_email(request.context))
    key, key_errors = forms.read_idempotency_key(request.headers.get("idempotency-key"))
    if run_request is None or key_errors:
        return web.invalid({**errors, **key_errors})
    run = runs.start_report_run(event_id, run_request, organiser_email(request.context), key)
    return web.json_response({"run_id": run["run_id"], "status": run["status"]}, 202,
                             headers={"Location": web.absolute(f"/admin/report-runs/{run['run_id']}")})


@blueprint.route("/admin/report-runs/{run_id}", methods=["GET"], authorizer=organiser_auth)
def report_run(run_id: str) -> Response:
    run = web.found(runs.get_run(run_id), "report run")
    return web.json_response(runs.run_view(run))


@blueprint.route("/admin/report-runs/{run_id}/retry", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def retry_report_run(run_id: str) -> Response:
    request = blueprint.current_request
    form = Form(web.body(request))
    form.unknown(set())
    key, key_errors = forms.read_idempotency_key(request.headers.get("idempotency-key"))
    if not form.ok or key_errors:
        return web.invalid({**form.errors, **key_errors})
    run = runs.retry_report_run(run_id, organiser_email(request.context), key)
    return web.json_response({"run_id": run["run_id"], "status": run["status"]}, 202,
                             headers={"Location": f"/admin/report-runs/{run['run_id']}"})
