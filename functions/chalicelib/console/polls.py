"""Console pages for an event's polls: create (options, or a scale with end labels), close,
invite attendees, results with charts, and present mode for the room's screen.

Present mode shows a QR code and a short link to /events/{event_id}/polls, where an attendee
asks for their own poll link by email (polls/invitations.request_link). A code on a shared
screen cannot be personal, and a shared voting link would let anyone answer any number of
times; a personal link sent to the registered address keeps one answer per attendee per poll,
and someone typing another person's address only sends that person their own link.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.core import render, web
from chalicelib.core.errors import Conflict
from chalicelib.core.settings import get_settings
from chalicelib.events import service as events
from chalicelib.polls import forms, service
from chalicelib.reports import charts

blueprint = Blueprint(__name__)

# The room's screen asks again this often (the page's script; a meta refresh without one).
PRESENT_REFRESH_SECONDS = 4


def _chart_of(found: dict[str, Any], min_answers: int) -> dict[str, Any]:
    """A poll's results (polls.service.poll_results) as the report's chart, with its sentences."""
    return {**charts.poll_chart(found, min_answers), "summary": found.get("summary", [])}


def _polls_page(console: pages.Console, event: dict[str, Any], status: int = 200, *,
                values: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Response:
    found = service.event_polls(event["event_id"])
    polls = [{**poll, "chart": _chart_of(results, 0)}
             for poll, results in zip(found, service.results_of(found), strict=True)]
    return console.page("console/polls.html", status, event=event, polls=polls,
                        values=values or {"kind": "single", "scale_min": "1", "scale_max": "10"},
                        errors=errors or {}, max_options=forms.MAX_OPTIONS)


@pages.route(blueprint, "/console/events/{event_id}/polls")
def event_polls(console: pages.Console, event_id: str) -> Response:
    return _polls_page(console, web.found(events.get_event(event_id), "event"))


@pages.route(blueprint, "/console/events/{event_id}/polls", methods=["POST"])
def create_poll(console: pages.Console, event_id: str) -> Response:
    event = web.found(events.get_event(event_id), "event")
    posted = console.form
    new_poll, errors = forms.read_new_poll(_as_new_poll(posted))
    if new_poll is None:
        return _polls_page(console, event, 400, values=posted, errors=errors)
    poll = service.create_poll(event_id, new_poll, console.organiser)
    return console.redirect(f"/console/events/{event_id}/polls#poll-{poll['poll_id']}",
                            flash=f"Poll created: {poll['question']}")


def _as_new_poll(posted: dict[str, Any]) -> dict[str, Any]:
    """The form's fields in the API's shape: options one per line; a scale from its four fields."""
    data: dict[str, Any] = {"question": posted.get("question", ""), "kind": posted.get("kind", "")}
    if posted.get("kind") == "rating":
        scale: dict[str, Any] = {"min_label": str(posted.get("min_label", "")),
                                 "max_label": str(posted.get("max_label", ""))}
        for bound in ("min", "max"):
            raw = str(posted.get(f"scale_{bound}", "")).strip()
            # A number stays a number; anything else is passed on for the form to name.
            scale[bound] = int(raw) if raw.lstrip("-").isdigit() else raw
        data["scale"] = scale
    else:
        data["options"] = [line for line in str(posted.get("options", "")).splitlines() if line.strip()]
    return data


@pages.route(blueprint, "/console/polls/{poll_id}/close", methods=["POST"])
def close_poll(console: pages.Console, poll_id: str) -> Response:
    poll = web.found(service.close_poll(poll_id), "poll")
    return console.redirect(f"/console/events/{poll['event_id']}/polls#poll-{poll_id}",
                            flash=f"Closed: {poll['question']}")


@pages.route(blueprint, "/console/events/{event_id}/poll-invitations", methods=["POST"])
def invite_to_polls(console: pages.Console, event_id: str) -> Response:
    # Imported here: only this form needs the invitation machinery.
    from chalicelib.polls import invitations

    web.found(events.get_event(event_id), "event")
    if not service.open_polls(event_id):
        raise Conflict({"polls": "This event has no open polls; create one before inviting people."})
    invitations.request_invitations(event_id, console.organiser)
    return console.redirect(f"/console/events/{event_id}/polls",
                            flash="Invitations are on their way to everyone confirmed (once each).")


# --- present mode -------------------------------------------------------------------------------


def _vote_link(event_id: str) -> str:
    return f"{get_settings().public_base_url}/events/{event_id}/polls"


def _qr_image(link: str) -> str:
    """The link as a QR code, an SVG data URI for an <img> (the CSP allows data: images)."""
    # segno is imported here: only present mode draws a code.
    import segno

    return str(segno.make(link, error="m").svg_data_uri(scale=8, border=2, dark="#1d2433", light="#ffffff"))


@pages.route(blueprint, "/console/polls/{poll_id}/present")
def present(console: pages.Console, poll_id: str) -> Response:
    poll = web.found(service.get_poll(poll_id), "poll")
    event = web.found(events.get_event(poll["event_id"]), "event")
    link = _vote_link(event["event_id"])
    return console.page("console/present.html", poll=poll, event=event, link=link,
                        short_link=link.split("://", 1)[-1], qr=_qr_image(link),
                        chart=_chart_of(service.results_of([poll])[0], charts.DEFAULT_MIN_ANSWERS),
                        min_answers=charts.DEFAULT_MIN_ANSWERS,
                        refresh=PRESENT_REFRESH_SECONDS)


@pages.route(blueprint, "/console/polls/{poll_id}/present/results")
def present_results(console: pages.Console, poll_id: str) -> Response:
    """What the room's screen asks for every few seconds: the answer count and the chart, drawn
    by the same template as the page: the poll and its running counts, never the votes."""
    poll = web.found(service.poll_results(poll_id), "poll")  # the poll's fields and its counts
    chart = _chart_of(poll, charts.DEFAULT_MIN_ANSWERS)
    html = render.render("pages/console/_present_chart.html", poll=poll, chart=chart,
                         min_answers=charts.DEFAULT_MIN_ANSWERS)
    response = web.json_response({"poll_id": poll_id, "status": poll.get("status"), "total": chart["total"],
                                  "html": html})
    response.headers.update(pages.PRIVATE)
    return response
