"""Public report routes: the web version of a sent report, and one-click unsubscribe."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.text import display_title
from chalicelib.reports import content, suppression

blueprint = Blueprint(__name__)

# Token pages must not be cached by a shared cache or leak through Referer.
_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@blueprint.route("/reports", methods=["GET"])
def report_archive() -> Response:
    reports = content.published_reports()
    if web.wants_json(blueprint.current_request):
        return web.json_response({"reports": [
            {"event_id": r["event"]["event_id"], "title": r["title"], "starts_at": r["event"]["starts_at"],
             "host": r["event"].get("host"), "published_at": r["published_at"], "url": r["url"]} for r in reports]})
    return web.page("reports/archive.html", reports=reports)


@blueprint.route("/reports/{event_id}", methods=["GET"])
def published_report(event_id: str) -> Response:
    from markupsafe import Markup

    event, html = web.found(content.published_report(event_id), "report")
    # The body was rendered, escaped, when the report was sent; it is shown exactly as sent.
    return web.page("reports/report.html", title=display_title(event), body=Markup(html))  # noqa: S704


@blueprint.route("/u/{token}", methods=["GET"])
def unsubscribe_page(token: str) -> Response:
    # Looking never unsubscribes: mail scanners open links; only the POST does.
    email = web.found(suppression.subscriber(token), "link")
    response = web.page("reports/unsubscribe.html", email=email, token=token)
    response.headers.update(_PRIVATE)
    return response


@blueprint.route("/u/{token}", methods=["POST"],
                 content_types=[*web.FORM_TYPES, "multipart/form-data", "text/plain"])
def unsubscribe(token: str) -> Response:
    request = blueprint.current_request
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" (form or multipart); the link
    # alone says who, so the body is not needed to act.
    email = web.found(suppression.unsubscribe(token), "link")
    if web.wants_json(request):
        return web.json_response({"status": "unsubscribed"}, headers=_PRIVATE)
    response = web.page("reports/unsubscribed.html", email=email)
    response.headers.update(_PRIVATE)
    return response
