"""Organiser routes for host nominations: list them by status, and decide."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.nominations import forms, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/nominations", methods=["GET"], authorizer=organiser_auth)
def list_nominations() -> Response:
    request = blueprint.current_request
    query = request.query_params
    status = str((query.get("status") if query else None) or service.RECEIVED)
    if status not in service.STATUSES:
        return web.invalid({"status": f"Choose status from: {', '.join(service.STATUSES)}."})
    return web.json_response({"status": status, "nominations": service.list_nominations(status)})


@blueprint.route("/admin/nominations/{nomination_id}/decision", methods=["POST"],
                 authorizer=organiser_auth, content_types=web.FORM_TYPES)
def decide_nomination(nomination_id: str) -> Response:
    request = blueprint.current_request
    decision = web.valid(forms.read_decision(web.body(request)))
    decided = web.found(service.decide_nomination(nomination_id, decision, organiser_email(request.context)),
                        "nomination")
    return web.json_response({"nomination": decided.nomination, "changed": decided.changed})
