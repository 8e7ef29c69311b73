"""Public event pages: the upcoming list and each event's page with its registration form."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.form_guard import form_started_stamp
from chalicelib.events import service
from chalicelib.reports import content as reports

blueprint = Blueprint(__name__)


@blueprint.route("/events", methods=["GET"])
def list_events() -> Response:
    request = blueprint.current_request
    events = service.upcoming_events()
    if web.wants_json(request):
        return web.json_response([service.public_view(item) for item in events])
    return web.page("events.html", events=events)


@blueprint.route("/events/past", methods=["GET"])
def list_past_events() -> Response:
    request = blueprint.current_request
    past = [(item, reports.is_published(item["event_id"])) for item in service.past_events()]
    if web.wants_json(request):
        return web.json_response([
            {**service.public_view(item), "report_url": f"/reports/{item['event_id']}" if published else None}
            for item, published in past])
    return web.page("events_past.html", past=past)


@blueprint.route("/events/{event_id}", methods=["GET"])
def show_event(event_id: str) -> Response:
    request = blueprint.current_request
    item = web.found(service.get_event(event_id), "event")
    if web.wants_json(request):
        return web.json_response(service.public_view(item))
    from chalicelib.reports import content as reports

    return web.page(
        "event.html", event=item, open=service.registration_open(item), values={}, errors={},
        form_started=form_started_stamp(), report_published=reports.is_published(event_id),
    )
