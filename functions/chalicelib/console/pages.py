"""How a console page is written: `route` declares a signed-in page or form, and its view gets a
`Console` (who is signed in, the form sent, how to answer).

    from chalice import Blueprint, Response
    from chalicelib.console import pages

    blueprint = Blueprint(__name__)

    @pages.route(blueprint, "/console/polls/{poll_id}")
    def poll(console: pages.Console, poll_id: str) -> Response:
        return console.page("console/poll.html", poll=web.found(service.get_poll(poll_id), "poll"))

    @pages.route(blueprint, "/console/polls/{poll_id}/close", methods=["POST"])
    def close_poll(console: pages.Console, poll_id: str) -> Response:
        service.close_poll(poll_id)                     # the same call as the /admin route
        return console.redirect(f"/console/polls/{poll_id}", flash="The poll is closed.")

A GET without a live session is sent to the sign-in page (303 to /console); a POST (or PUT,
PATCH, DELETE) without a live session or without the session's CSRF token (the form's hidden
`csrf_token` field, which `{% include "pages/console/_csrf.html" %}` writes, or an
`X-CSRF-Token` header from a script) is refused with the 403 page before the view runs. Refusals
raised by services (core/errors) are answered as pages, as everywhere on the site.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlparse

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.console import once, sessions
from chalicelib.core import errors, web
from chalicelib.core.settings import get_settings

COOKIE = "clubflow_console"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
HOME = "/console"
# Console pages are about one organiser's session: never kept by a shared cache or the browser.
PRIVATE = {"Cache-Control": "no-store"}
_REFUSED_FORM = ("This form has expired or did not come from your console. Sign in again at the "
                 "console, then send it again.")
ConsoleView = Callable[..., Response]


@dataclass
class Console:
    """What a console view works with: the signed-in organiser, the request, and its answers."""

    request: Request
    session: sessions.Session
    # Set by `redirect(..., flash=)` on the way out; read by `page` on the way in.
    _flash_shown: bool = field(default=False, repr=False)

    @property
    def organiser(self) -> str:
        """The signed-in organiser's email: pass it where an /admin route passes organiser_email."""
        return self.session.organiser

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    @property
    def form(self) -> dict[str, Any]:
        """The posted form (or JSON) as a dict, without its CSRF token and form id."""
        return {name: value for name, value in web.body(self.request).items()
                if name not in (CSRF_FIELD, once.FIELD)}

    def new_form_id(self) -> str:
        """A fresh id for a form being drawn (`_csrf.html` writes it): the form acts once."""
        return once.new_form_id()

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params or {})

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        """Render `pages/<template>` (which extends pages/console/layout.html) with `console` (this
        object: organiser, csrf_token) and a message kept for this page, shown once."""
        flash = self.session.flash
        if flash and not self._flash_shown:
            sessions.clear_flash(self.session)
            self._flash_shown = True
        context.setdefault("flash", flash)
        response = web.page(template, status, console=self, **context)
        response.headers.update(PRIVATE)
        return response

    def redirect(self, path: str, *, flash: str = "") -> Response:
        """303 to `path` (a path on this site), with a one-line message for the next page."""
        if flash:
            sessions.keep_flash(self.session, flash)
        return web.redirect(path)


def cookie_value(request: Request) -> str | None:
    """The session token the request's cookie carries, if any."""
    header = request.headers.get("cookie") or ""
    try:
        jar = SimpleCookie(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None else None


def current(request: Request) -> Console | None:
    """The request's console, or None when nobody (or nobody live) is signed in."""
    raw = cookie_value(request)
    session = sessions.session_for(raw) if raw else None
    return Console(request, session) if session is not None else None


def _cookie_path() -> str:
    # Behind API Gateway's execute-api address the site lives under its stage (/prod).
    return urlparse(get_settings().public_base_url).path.rstrip("/") + HOME


def session_cookie(raw: str, max_age: int = sessions.SESSION_SECONDS) -> str:
    """The Set-Cookie value of a session: HttpOnly, SameSite=Lax, only on the console's paths,
    Secure wherever the site is served over HTTPS (everywhere but the local stack)."""
    parts = [f"{COOKIE}={raw}", f"Path={_cookie_path()}", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    if get_settings().public_base_url.startswith("https://"):
        parts.append("Secure")
    return "; ".join(parts)


def cleared_cookie() -> str:
    return session_cookie("", max_age=0)


def _sent_csrf(request: Request) -> object:
    return request.headers.get(CSRF_HEADER) or web.body(request).get(CSRF_FIELD)


def route(blueprint: Blueprint, path: str, methods: Iterable[str] = ("GET",),
          **options: Any) -> Callable[[ConsoleView], ConsoleView]:
    """Declare a console page or form at `path` (under /console) whose view takes a `Console`
    first, then the path's parameters. Forms are read as URL-encoded or JSON bodies."""
    wanted = [method.upper() for method in methods]
    if any(method in web.BODY_METHODS for method in wanted):
        options.setdefault("content_types", web.FORM_TYPES)

    def declare(view: ConsoleView) -> ConsoleView:
        @functools.wraps(view)
        def signed_in(**params: str) -> Response:
            request = blueprint.current_request
            console = current(request)
            if request.method in web.BODY_METHODS or request.method == "DELETE":
                if console is None or not sessions.csrf_matches(console.session, _sent_csrf(request)):
                    raise errors.Forbidden({"csrf_token": _REFUSED_FORM}, page={"console_home": True})
            elif console is None:
                return web.redirect(HOME)
            try:
                form_id = once.read_form_id(web.body(request).get(once.FIELD)) if request.method == "POST" else None
                if form_id:
                    return _once(console, form_id, lambda: view(console, **params))
                return view(console, **params)
            except errors.Refused as refused:
                # A page the console cannot show (an unknown event, a cancelled one) leads back to
                # the console, not to the public site's events.
                refused.page.setdefault("console_home", True)
                raise

        blueprint.route(path, methods=wanted, **options)(signed_in)
        return view

    return declare


_STILL_RUNNING = "That form was sent twice; it is acted on once. Its first sending is still being handled."


def _once(console: Console, form_id: str, run: Callable[[], Response]) -> Response:
    """Run a form's view on its first sending only; a later one follows the first's redirect."""
    session = console.session
    if not once.claim(session.token_hash, form_id, session.expires_at):
        location = once.first_answer(session.token_hash, form_id, session.expires_at)
        if location is None:
            return console.redirect(HOME, flash=_STILL_RUNNING)
        if location:
            # The first's message is still waiting in the session: the page shows it.
            return Response(body="", status_code=303, headers={"Location": location})
    try:
        response = run()
    except BaseException:
        once.release(session.token_hash, form_id)
        raise
    went = (response.headers or {}).get("Location")
    if 300 <= response.status_code < 400 and isinstance(went, str) and went:
        once.answered(session.token_hash, form_id, went)
    else:
        # An answer with the form's errors (or a page to confirm on) draws the form anew.
        once.release(session.token_hash, form_id)
    return response
