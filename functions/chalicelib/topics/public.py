"""Public topic routes: the list with a vote form on each topic, suggesting a topic, asking to
vote, and the emailed link that confirms either.

Suggesting and voting answer the same whoever asks: the link goes by email, and only opening
it makes a suggestion listed or a vote counted.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import web
from chalicelib.topics import forms, service

blueprint = Blueprint(__name__)

# Token pages must not be cached by a shared cache or leak through Referer.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _topics_page(status: int = 200, *, values: dict[str, Any] | None = None,
                 errors: dict[str, str] | None = None, vote_for: str = "",
                 vote_values: dict[str, Any] | None = None,
                 vote_errors: dict[str, str] | None = None) -> Response:
    return web.page("topics/list.html", status, topics=service.listed_topics(),
                    values=values or {}, errors=errors or {}, vote_for=vote_for,
                    vote_values=vote_values or {}, vote_errors=vote_errors or {},
                    max_title=forms.MAX_TITLE, max_description=forms.MAX_DESCRIPTION)


def _received(request: Request, template: str, **context: Any) -> Response:
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return web.page(template, 202, days=service.LINK_DAYS, **context)


@blueprint.route("/topics", methods=["GET"])
def list_topics() -> Response:
    request = blueprint.current_request
    if web.wants_json(request):
        return web.json_response({"topics": service.listed_topics()})
    return _topics_page()


@blueprint.route("/topics", methods=["POST"], content_types=web.FORM_TYPES)
def suggest_topic() -> Response:
    request = blueprint.current_request
    data = web.body(request)
    suggestion, form = forms.read_suggestion(data)
    if suggestion is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return _topics_page(400, values=form.values, errors=form.errors)
    service.suggest_topic(suggestion)
    return _received(request, "topics/suggested.html")


@blueprint.route("/topics/{topic_id}/votes", methods=["POST"], content_types=web.FORM_TYPES)
def vote_for_topic(topic_id: str) -> Response:
    request = blueprint.current_request
    topic = web.found(service.listed_topic(topic_id), "topic")
    data = web.body(request)
    vote, form = forms.read_vote(data)
    if vote is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return _topics_page(400, vote_for=topic_id, vote_values=form.values, vote_errors=form.errors)
    service.request_vote(topic, vote)
    return _received(request, "topics/vote_requested.html", topic=service.topic_view(topic))


@blueprint.route("/v/{token}", methods=["GET"])
def confirm_page(token: str) -> Response:
    """The emailed link: a page with a Confirm button. Looking confirms nothing; scanners look."""
    pending = service.pending_confirmation(token)
    return _confirmation("pending", "topics/confirm.html", pending, token=token)


@blueprint.route("/v/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def confirm_link(token: str) -> Response:
    """The page's Confirm button: lists the suggestion or counts the vote, once."""
    confirmation = service.confirm_link(token)
    return _confirmation("confirmed", "topics/confirmed.html", confirmation)


def _confirmation(status: str, template: str, found: service.Confirmation | None, **context: Any) -> Response:
    """A link's page before its button (pending) and after (confirmed), or the not-found page."""
    request = blueprint.current_request
    if found is None:
        return _link_not_found(request)
    if web.wants_json(request):
        response = web.json_response({"status": status, "kind": found.kind, "topic": found.topic})
    else:
        response = web.page(template, kind=found.kind, topic=found.topic, **context)
    response.headers.update(_PRIVATE)
    return response


def _link_not_found(request: Request) -> Response:
    if web.wants_json(request):
        return web.json_response(
            {"errors": {"token": "This link is unknown, expired or already used."}}, 404,
            headers=_PRIVATE)
    response = web.page("topics/link_not_found.html", 404, days=service.LINK_DAYS)
    response.headers.update(_PRIVATE)
    return response
