"""Organiser routes for a person's data: export everything held about them, or erase it."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.people import forms, service

blueprint = Blueprint(__name__)


def _person() -> str:
    """The address the organiser sent (Invalid when there is none to use)."""
    return web.valid(forms.read_person(web.body(blueprint.current_request)))


@blueprint.route("/admin/people/export", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def export_person() -> Response:
    person = _person()
    organiser = organiser_email(blueprint.current_request.context)
    # Personal data: no cache between the API and the organiser may keep a copy.
    return web.json_response(service.export_person(person, organiser), headers={"Cache-Control": "no-store"})


@blueprint.route("/admin/people/erase", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def erase_person() -> Response:
    person = _person()
    organiser = organiser_email(blueprint.current_request.context)
    return web.json_response(service.erase_person(person, organiser))
