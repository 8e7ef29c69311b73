"""The personal poll page: an attendee's emailed link shows the event's open polls as one form
and records each answer once.

Answering a poll twice gives 409 for that poll (the first answer stands) while the other answers
in the same submission are recorded; a closed poll refuses its answer the same way, with 409.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core import form_guard, web
from chalicelib.events import service as events
from chalicelib.polls import forms, service
from chalicelib.polls.forms import Answer

blueprint = Blueprint(__name__)


@blueprint.route("/events/{event_id}/polls", methods=["GET"])
def ask_for_link_page(event_id: str) -> Response:
    """Where the QR code on the room's screen leads: ask for your personal poll link by email."""
    event = web.found(events.get_event(event_id), "event")
    return web.page("polls/ask_link.html", event=event, values={}, errors={})


@blueprint.route("/events/{event_id}/polls/links", methods=["POST"], content_types=web.FORM_TYPES)
def ask_for_link(event_id: str) -> Response:
    # Imported here: only this route needs the invitation machinery.
    from chalicelib.polls import invitations

    request = blueprint.current_request
    event = web.found(events.get_event(event_id), "event")
    link_request, form = form_guard.read_email_request(web.body(request))
    if link_request is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return web.page("polls/ask_link.html", 400, event=event, values=form.values, errors=form.errors)
    invitations.request_link(event_id, link_request)
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return web.page("polls/link_requested.html", 202, event=event)


def _private(response: Response) -> Response:
    # A personal link's page must not be kept by shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/p/{token}", methods=["GET"])
def poll_page(token: str) -> Response:
    request = blueprint.current_request
    voter = web.found(service.voter_from_link(token), "link")
    polls = service.event_polls(voter.event["event_id"])
    answers = service.my_answers(polls, voter.email)
    if web.wants_json(request):
        return _private(web.json_response(_ballot_view(voter, polls, answers)))
    return _private(_page(voter, polls, answers, token))


@blueprint.route("/p/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def answer_polls(token: str) -> Response:
    request = blueprint.current_request
    data = web.body(request)
    voter = web.found(service.voter_from_link(token), "link")
    polls = service.event_polls(voter.event["event_id"])
    ballot = forms.read_ballot(data, polls, as_json=web.sent_json(request))
    if ballot.errors:
        if web.wants_json(request):
            return _private(web.invalid(ballot.errors))
        answers = service.my_answers(polls, voter.email)
        return _private(_page(voter, polls, answers, token, 400, values=ballot.values, errors=ballot.errors))
    submission = service.cast_votes(voter, polls, ballot.answers)
    status = 409 if submission.refused else 200
    refused = {forms.field_name(poll_id): why for poll_id, why in submission.refused.items()}
    if web.wants_json(request):
        body: dict[str, Any] = {"recorded": submission.recorded}
        if refused:
            body["errors"] = refused
        return _private(web.json_response(body, status))
    answers = service.my_answers(polls, voter.email)
    return _private(_page(voter, polls, answers, token, status, recorded=submission.recorded,
                          refused=refused))


def _page(voter: service.Voter, polls: list[dict[str, Any]], answers: dict[str, Answer], token: str,
          status: int = 200, *, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          recorded: dict[str, Answer] | None = None, refused: dict[str, str] | None = None) -> Response:
    refused = refused or {}
    # Open polls, and closed ones the person answered or has just been told about.
    shown = [poll for poll in polls if poll.get("status") == service.OPEN or poll["poll_id"] in answers
             or forms.field_name(poll["poll_id"]) in refused]
    chosen = {name: [str(v) for v in (value if isinstance(value, list) else [value])]
              for name, value in (values or {}).items()}
    return web.page(
        "polls/ballot.html", status, event=voter.event, polls=shown, answers=answers, token=token,
        field_name=forms.field_name, hint=hint, answer_text=answer_text, chosen=chosen,
        errors=errors or {}, recorded=recorded or {}, refused=refused,
        unanswered=[poll for poll in shown
                    if poll.get("status") == service.OPEN and poll["poll_id"] not in answers],
    )


def hint(poll: dict[str, Any]) -> str:
    """What to do, under the question: the seed's rating reads "1 = poor, 10 = perfect"."""
    if poll["kind"] == "single":
        return "Choose one."
    if poll["kind"] == "multiple":
        return "Choose all that apply."
    scale = poll["scale"]
    if scale.get("min_label") and scale.get("max_label"):
        return f"{scale['min']} = {scale['min_label']}, {scale['max']} = {scale['max_label']}"
    return f"Choose a number from {scale['min']} to {scale['max']}."


def answer_text(poll: dict[str, Any], answer: Answer) -> str:
    if isinstance(answer, list):
        return ", ".join(answer)
    if poll["kind"] == "rating":
        return f"{answer} out of {poll['scale']['max']}"
    return str(answer)


def _ballot_view(voter: service.Voter, polls: list[dict[str, Any]],
                 answers: dict[str, Answer]) -> dict[str, Any]:
    return {
        "event": {name: voter.event.get(name) for name in
                  ("event_id", "title", "number", "starts_at", "ends_at", "timezone", "host")},
        "polls": [
            {**{name: poll[name] for name in ("poll_id", "question", "kind", "options", "scale", "status")
                if name in poll},
             "field": forms.field_name(poll["poll_id"]),
             "answered": poll["poll_id"] in answers,
             "answer": answers.get(poll["poll_id"])}
            for poll in polls if poll.get("status") == service.OPEN or poll["poll_id"] in answers
        ],
    }
