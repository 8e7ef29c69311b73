"""Public routes of the club's list: the "keep in touch" form's POST, and the emailed link
whose button confirms joining."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.subscriptions import forms, service

blueprint = Blueprint(__name__)

# Token pages must not be cached by a shared cache or leak through Referer.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.route("/subscriptions", methods=["POST"], content_types=web.FORM_TYPES)
def subscribe() -> Response:
    request = blueprint.current_request
    wanted, form = forms.read_subscription(web.body(request))
    if wanted is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return web.page("subscriptions/form.html", 400, values=form.values, errors=form.errors)
    service.request_subscription(wanted)
    # The same answer whether the address is new, pending or already on the list.
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return web.page("subscriptions/received.html", 202, days=service.LINK_DAYS)


@blueprint.route("/subscriptions/{token}", methods=["GET"])
def confirm_page(token: str) -> Response:
    """The emailed link: a page with a Confirm button. Looking joins nothing; scanners look."""
    email = service.pending_subscription(token)
    return _answer("pending", "subscriptions/confirm.html", email, token=token)


@blueprint.route("/subscriptions/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def confirm(token: str) -> Response:
    email = service.confirm_subscription(token)
    return _answer("confirmed", "subscriptions/confirmed.html", email)


def _answer(status: str, template: str, email: str | None, token: str = "") -> Response:
    request = blueprint.current_request
    if email is None:
        if web.wants_json(request):
            return web.json_response(
                {"errors": {"token": "This link is unknown, expired or already used."}}, 404, headers=_PRIVATE)
        response = web.page("subscriptions/link_not_found.html", 404, days=service.LINK_DAYS)
    elif web.wants_json(request):
        response = web.json_response({"status": status, "email": email})
    else:
        response = web.page(template, email=email, token=token)
    response.headers.update(_PRIVATE)
    return response
