"""Console pages for host nominations: review them by status, decide (shortlist, accept,
decline) with a message, and read the email the nominee will get before it goes."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.core import web
from chalicelib.nominations import forms, service

blueprint = Blueprint(__name__)


@pages.route(blueprint, "/console/nominations")
def nominations(console: pages.Console) -> Response:
    shown = console.query.get("status") or service.RECEIVED
    if shown not in service.STATUSES:
        shown = service.RECEIVED
    return console.page("console/nominations.html", shown=shown, statuses=service.STATUSES,
                        nominations=service.list_nominations(shown))


def _decision_page(console: pages.Console, nomination_id: str, status: int = 200, *,
                   values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                   preview: dict[str, str] | None = None) -> Response:
    nomination = service.nomination_view(web.found(service.get_nomination(nomination_id), "nomination"))
    return console.page("console/nomination.html", status, nomination=nomination, decisions=forms.DECISIONS,
                        values=values or {}, errors=errors or {}, preview=preview)


@pages.route(blueprint, "/console/nominations/{nomination_id}")
def nomination(console: pages.Console, nomination_id: str) -> Response:
    return _decision_page(console, nomination_id)


@pages.route(blueprint, "/console/nominations/{nomination_id}/preview", methods=["POST"])
def preview(console: pages.Console, nomination_id: str) -> Response:
    """The decision form's first button: the email exactly as it would go, sending nothing."""
    posted = console.form
    decision, errors = forms.read_decision(posted)
    if decision is None:
        return _decision_page(console, nomination_id, 400, values=posted, errors=errors)
    email = web.found(service.preview_decision(nomination_id, decision), "nomination")
    return _decision_page(console, nomination_id, values=posted, preview=email)


@pages.route(blueprint, "/console/nominations/{nomination_id}/decision", methods=["POST"])
def decide(console: pages.Console, nomination_id: str) -> Response:
    posted = console.form
    decision, errors = forms.read_decision(posted)
    if decision is None:
        return _decision_page(console, nomination_id, 400, values=posted, errors=errors)
    decided = web.found(service.decide_nomination(nomination_id, decision, console.organiser), "nomination")
    organisation = decided.nomination["organisation"]
    if not decided.changed:
        return console.redirect(f"/console/nominations/{nomination_id}",
                                flash=f"{organisation} was already {decision.status}; nobody was emailed.")
    return console.redirect(f"/console/nominations?status={decision.status}",
                            flash=f"{organisation}: {decision.status}. The nominee is being emailed.")
