"""Organiser routes for polls: create and list an event's polls, close one, read its results,
and invite the event's attendees to answer."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.errors import Conflict
from chalicelib.core.organiser_auth import organiser_auth, organiser_email
from chalicelib.events import service as events
from chalicelib.polls import forms, service

blueprint = Blueprint(__name__)


@blueprint.route("/admin/events/{event_id}/polls", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def create_poll(event_id: str) -> Response:
    request = blueprint.current_request
    new_poll = web.valid(forms.read_new_poll(web.body(request)))
    poll = service.create_poll(event_id, new_poll, organiser_email(request.context))
    return web.json_response(
        {"poll_id": poll["poll_id"], "poll": service.poll_view(poll)}, 201,
        headers={"Location": web.absolute(f"/admin/polls/{poll['poll_id']}/results")},
    )


@blueprint.route("/admin/events/{event_id}/polls", methods=["GET"], authorizer=organiser_auth)
def list_polls(event_id: str) -> Response:
    web.found(events.get_event(event_id), "event")
    return web.json_response({"event_id": event_id,
                              "polls": [service.poll_view(poll) for poll in service.event_polls(event_id)]})


@blueprint.route("/admin/polls/{poll_id}/close", methods=["POST"], authorizer=organiser_auth,
                 content_types=web.FORM_TYPES)
def close_poll(poll_id: str) -> Response:
    poll = web.found(service.close_poll(poll_id), "poll")
    return web.json_response(service.poll_view(poll))


@blueprint.route("/admin/polls/{poll_id}/results", methods=["GET"], authorizer=organiser_auth)
def poll_results(poll_id: str) -> Response:
    return web.json_response(web.found(service.poll_results(poll_id), "poll"))


@blueprint.route("/admin/events/{event_id}/poll-invitations", methods=["POST"],
                 authorizer=organiser_auth, content_types=web.FORM_TYPES)
def invite_to_polls(event_id: str) -> Response:
    # Imported here: only this route needs the invitation machinery.
    from chalicelib.polls import invitations

    request = blueprint.current_request
    web.found(events.get_event(event_id), "event")
    if not service.open_polls(event_id):
        raise Conflict({"polls": "This event has no open polls; create one before inviting people."})
    run_id = invitations.request_invitations(event_id, organiser_email(request.context))
    return web.json_response({"status": "queued", "run_id": run_id}, 202)
