"""Organiser routes: announce an event to the club's list, and follow the run's progress."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.announcements import forms, service
from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email

blueprint = Blueprint(__name__)


@blueprint.route("/admin/announcements", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def announce() -> Response:
    from chalicelib.reports import runs

    request = blueprint.current_request
    wanted = web.valid(forms.read_announcement(web.body(request)))
    run = service.start_announcement(wanted.event_id, wanted.subject, wanted.markdown,
                                     organiser_email(request.context))
    return web.json_response(runs.run_view(run), 202)


@blueprint.route("/admin/announcements/{run_id}", methods=["GET"], authorizer=organiser_auth)
def announcement_status(run_id: str) -> Response:
    from chalicelib.reports import runs

    return web.json_response(runs.run_view(web.found(service.get_announcement(run_id), "announcement")))
