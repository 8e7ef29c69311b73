"""Public report routes: the web version of a sent report, and one-click unsubscribe."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.text import display_title
from chalicelib.preferences import service as preferences
from chalicelib.reports import content

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
def preferences_page(token: str) -> Response:
    # Looking never changes anything: mail scanners open links; only the POST does.
    prefs = web.found(preferences.preferences(token), "link")
    if web.wants_json(blueprint.current_request):
        return web.json_response(_choices(prefs), headers=_PRIVATE)
    response = web.page("reports/unsubscribe.html", prefs=prefs, token=token, saved=False)
    response.headers.update(_PRIVATE)
    return response


@blueprint.route("/u/{token}", methods=["POST"],
                 content_types=[*web.FORM_TYPES, "multipart/form-data", "text/plain"])
def change_preferences(token: str) -> Response:
    request = blueprint.current_request
    fields = _form_fields(request.raw_body, request.headers.get("content-type", ""))
    choice = fields.get("choice", "")
    if choice in ("save", "none"):
        # The page's own form: both purposes as ticked, or none.
        keep = choice == "save"
        prefs = web.found(preferences.choose(token, reports=keep and fields.get("reports") == "true",
                                             news=keep and fields.get("news") == "true"), "link")
        if web.wants_json(request):
            return web.json_response({"status": "saved", **_choices(prefs)}, headers=_PRIVATE)
        response = web.page("reports/unsubscribe.html", prefs=prefs, token=token, saved=True)
    else:
        # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" (form or multipart); the link
        # alone says who and for what, so the body is not needed to act.
        prefs = web.found(preferences.one_click(token), "link")
        if web.wants_json(request):
            return web.json_response({"status": "unsubscribed", **_choices(prefs)}, headers=_PRIVATE)
        response = web.page("reports/unsubscribed.html", prefs=prefs, token=token)
    response.headers.update(_PRIVATE)
    return response


def _form_fields(body: str | bytes, content_type: str) -> dict[str, str]:
    """The urlencoded fields of the page's forms; any other body is a one-click POST."""
    from urllib.parse import parse_qsl

    if not content_type.startswith("application/x-www-form-urlencoded"):
        return {}
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return dict(parse_qsl(text, keep_blank_values=True))


def _choices(prefs: preferences.Preferences) -> dict[str, object]:
    return {"email": prefs.email, "purpose": prefs.purpose, "reports": prefs.reports, "news": prefs.news}
