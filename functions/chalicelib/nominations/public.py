"""Public nomination routes: the host nomination form and the nomination itself.

The answer is the same for a new, repeated or turned-away nomination: what happens next goes
by email.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.core import form_guard, web
from chalicelib.core.observability import logger
from chalicelib.nominations import forms, service

blueprint = Blueprint(__name__)


def _form_page(status: int = 200, values: dict[str, Any] | None = None,
               errors: dict[str, str] | None = None, form_started: str | None = None,
               *, press_again: bool = False) -> Response:
    return web.page("nominations/host.html", status, values=values or {}, errors=errors or {},
                    months=forms.MONTHS, form_started=form_started or form_guard.form_started_stamp(),
                    press_again=press_again)


def _received(request: Request) -> Response:
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return web.page("nominations/received.html", 202)


@blueprint.route("/nominations/host", methods=["GET"])
def host_nomination_form() -> Response:
    return _form_page()


@blueprint.route("/nominations", methods=["POST"], content_types=web.FORM_TYPES)
def nominate_host() -> Response:
    request = blueprint.current_request
    data = web.body(request)
    if form_guard.filled_honeypot(data):
        logger.info("host nomination turned away quietly")
        return _received(request)
    nomination, form = forms.read_nomination(data)
    if nomination is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return _form_page(400, form.values, form.errors, form_guard.kept_stamp(data))
    if form_guard.too_fast(data, browser_form=not web.sent_json(request)):
        # Autofill is this fast too: never drop it unseen; the person presses the button again.
        logger.info("host nomination posted too fast: asked to press again")
        if web.wants_json(request):
            return web.invalid({form_guard.FORM_STARTED: form_guard.PRESS_AGAIN})
        return _form_page(400, form.values, {}, form_guard.kept_stamp(data), press_again=True)
    service.nominate_host(nomination)
    return _received(request)
