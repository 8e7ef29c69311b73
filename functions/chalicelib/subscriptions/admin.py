"""Organiser route: how many people want each kind of email. Counts only: there is no list of
addresses to mail outside the runs, which honour every refusal."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth
from chalicelib.subscriptions import consents

blueprint = Blueprint(__name__)


@blueprint.route("/admin/consents", methods=["GET"], authorizer=organiser_auth)
def consent_counts() -> Response:
    query = blueprint.current_request.query_params
    event_id = str((query.get("event_id") if query else None) or "")
    return web.json_response(web.found(consents.counts(event_id), "event"))
