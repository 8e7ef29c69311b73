"""Answering emailed links about a held place: an offered place (accept or decline, /o/) and a
hold waiting for its address to be confirmed (/a/). Each GET only shows a page; the change is
the POST of that page's button, so mail scanners that open links change nothing."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.validation import Form
from chalicelib.events import service as events
from chalicelib.registration import holds, offers, service

blueprint = Blueprint(__name__)


def _private(response: Response) -> Response:
    # Pages reached by a personal link must not be kept by shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _offer_answer(offer: offers.Offer, token: str, chosen: str = "") -> Response:
    if web.wants_json(blueprint.current_request):
        return _private(web.json_response({
            "state": offer.state, "already": offer.already, "offer_expires_at": offer.record.get("offer_expires_at"),
            "event": events.public_view(offer.event)}))
    return _private(web.page("place_offer.html", event=offer.event, person=offer.record, state=offer.state,
                             already=offer.already, token=token, chosen=chosen))


@blueprint.route("/o/{token}", methods=["GET"])
def offer_page(token: str) -> Response:
    offer = web.found(offers.from_link(token), "offer")
    chosen = (blueprint.current_request.query_params or {"answer": ""}).get("answer", "")
    return _offer_answer(offer, token, chosen if chosen in offers.ANSWERS else "")


@blueprint.route("/o/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def answer_offer(token: str) -> Response:
    reply = web.valid(_read_answer(web.body(blueprint.current_request)))
    return _offer_answer(web.found(offers.answer(token, reply), "offer"), token)


def _read_answer(data: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    form = Form(data)
    form.unknown({"answer"})
    reply = form.choice("answer", "your answer (accept or decline)", offers.ANSWERS)
    return reply, form.errors


def _hold_page(hold: holds.Hold, token: str, *, confirmed: bool) -> Response:
    if web.wants_json(blueprint.current_request):
        return _private(web.json_response({
            "status": "confirmed" if confirmed else "pending", "already": hold.already,
            "registration": {"status": hold.record.get("status")}, "event": events.public_view(hold.event)}))
    return _private(web.page("address_confirm.html", event=hold.event, person=hold.record, token=token,
                             confirmed=confirmed, already=hold.already, hold_minutes=service.HOLD_MINUTES))


@blueprint.route("/a/{token}", methods=["GET"])
def address_page(token: str) -> Response:
    hold = web.found(holds.from_link(token), "link")
    return _hold_page(hold, token, confirmed=hold.already)


@blueprint.route("/a/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def confirm_address(token: str) -> Response:
    hold = web.found(holds.confirm(token), "link")
    return _hold_page(hold, token, confirmed=True)
