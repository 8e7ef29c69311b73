"""The console's front door: the sign-in form (or the dashboard once signed in), the emailed
link's page and its button, and signing out."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.console import dashboard, forms, pages, sessions
from chalicelib.core import web

blueprint = Blueprint(__name__)

# The link's page names a token: never cached, never leaked through Referer.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.route("/console", methods=["GET"])
def home() -> Response:
    console = pages.current(blueprint.current_request)
    if console is None:
        return _private(web.page("console/sign_in.html", values={}, errors={}))
    return dashboard.show(console)


@blueprint.route("/console/sign-in", methods=["POST"], content_types=web.FORM_TYPES)
def ask_for_link() -> Response:
    request = blueprint.current_request
    email, form = forms.read_sign_in(web.body(request))
    if email is None:
        if web.wants_json(request):
            return web.invalid(form.errors)
        return _private(web.page("console/sign_in.html", 400, values=form.values, errors=form.errors))
    sessions.request_sign_in(email)
    # The same answer for every address: whether it is an organiser's is told only by email.
    if web.wants_json(request):
        return web.json_response({"status": "received"}, 202)
    return _private(web.page("console/sign_in_sent.html", 202, email=email, minutes=sessions.LINK_MINUTES))


@blueprint.route("/console/sign-in/{token}", methods=["GET"])
def link_page(token: str) -> Response:
    """The emailed link: a page with a Sign in button. Looking signs no one in; scanners look."""
    if not sessions.link_is_valid(token):
        return _link_not_found()
    return _private(web.page("console/sign_in_link.html", token=token))


@blueprint.route("/console/sign-in/{token}", methods=["POST"], content_types=web.FORM_TYPES)
def sign_in(token: str) -> Response:
    started = sessions.sign_in(token)
    if started is None:
        return _link_not_found()
    raw, _ = started
    response = web.redirect(pages.HOME)
    response.headers.update({**_PRIVATE, "Set-Cookie": pages.session_cookie(raw)})
    return response


@pages.route(blueprint, "/console/sign-out", methods=["POST"])
def sign_out(console: pages.Console) -> Response:
    sessions.end_session(console.session)
    response = web.redirect(pages.HOME)
    response.headers.update({**_PRIVATE, "Set-Cookie": pages.cleared_cookie()})
    return response


def _link_not_found() -> Response:
    if web.wants_json(blueprint.current_request):
        return _private(web.json_response(
            {"errors": {"token": "This link is unknown, expired or already used."}}, 404))
    return _private(web.page("console/sign_in_link_not_found.html", 404, minutes=sessions.LINK_MINUTES))


def _private(response: Response) -> Response:
    response.headers.update(_PRIVATE)
    return response
