"""Organiser routes for a person's data: export everything held about them, or erase it."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.people import forms, service

blueprint = Blueprint(__name__)


def _person() -> str | Response:
    """The address the organiser sent, or the answer refusing the request."""
    data = web.body(blueprint.current_request)  # an unreadable body is answered by the route
    email, errors = forms.read_person(data)
    return email if email is not None else web.invalid(errors)


@blueprint.route("/admin/people/export", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def export_person() -> Response:
    person = _person()
    if isinstance(person, Response):
        return person
    organiser = organiser_email(blueprint.current_request.context)
    # Personal data: no cache between the API and the organiser may keep a copy.
    return web.json_response(service.export_person(person, organiser), headers={"Cache-Control": "no-store"})


@blueprint.route("/admin/people/erase", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
@web.answers_unreadable_bodies(blueprint, as_json=True)
def erase_person() -> Response:
    person = _person()
    if isinstance(person, Response):
        return person
    organiser = organiser_email(blueprint.current_request.context)
    return web.json_response(service.erase_person(person, organiser))
