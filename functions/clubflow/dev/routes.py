"""Routes that exist only in the local stack: the outbox, and driving the event pump.

`clubflow dev` registers this blueprint on the app at start; app.py never imports it, so no
deployment has these routes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from markupsafe import Markup, escape

from chalicelib.core import clock, web
from clubflow.dev import outbox

if TYPE_CHECKING:
    from jinja2 import Template

    from clubflow.dev.stack import PumpRunner

_URL = re.compile(r"https?://[^\s<>\"']+")

_OUTBOX_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Outbox · clubflow local stack</title>
<style>
 body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
 article { border: 1px solid #ccc; border-radius: .4rem; padding: 1rem; margin: 1rem 0; }
 dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
 dt { color: #555; } dd { margin: 0; }
 pre { white-space: pre-wrap; background: #f6f6f6; padding: .8rem; }
</style></head>
<body>
<main>
<h1>Outbox</h1>
<p>Every email the local stack sent, newest first. Links are live;
   <a href="/_dev/outbox">JSON</a>.</p>
{% for m in messages %}
<article id="m-{{ m.id }}">
  <h2>{{ m.subject }}</h2>
  <dl>
    <dt>From</dt><dd>{{ m.from }}</dd>
    <dt>To</dt><dd>{{ m.to | join(", ") }}</dd>
    <dt>Sent</dt><dd>{{ m.sent_at or "" }}</dd>
    {% if m.attachments %}<dt>Attachments</dt>
    <dd>{% for a in m.attachments -%}
      {{ a.filename }} ({{ a.content_type }}){% if not loop.last %}, {% endif %}
    {%- endfor %}</dd>{% endif %}
  </dl>
  {% if m.html %}<p><a href="/_dev/outbox/{{ m.id }}">Open the HTML version</a></p>{% endif %}
  <pre>{{ m.text | linkify }}</pre>
</article>
{% else %}
<p>No email has been sent yet.</p>
{% endfor %}
</main>
</body>
</html>
"""


def linkify(text: str) -> Markup:
    """Escape text and make each http(s) URL in it a link."""
    escaped = str(escape(text))
    linked = _URL.sub(lambda match: f'<a href="{match.group(0)}">{match.group(0)}</a>', escaped)
    return Markup(linked)  # noqa: S704 - built from escaped text; a URL match holds no quote or <


@lru_cache(maxsize=1)
def _page() -> Template:
    from jinja2 import Environment

    environment = Environment(autoescape=True)
    environment.filters["linkify"] = linkify
    return environment.from_string(_OUTBOX_PAGE)


def render_outbox(messages: list[dict[str, Any]]) -> str:
    return _page().render(messages=messages)


def blueprint(pump: PumpRunner, region: str) -> Blueprint:
    """The /_dev routes, bound to this local stack's pump and SES region."""
    routes = Blueprint(__name__)

    def sent() -> list[dict[str, Any]]:
        query: Mapping[str, str] = routes.current_request.query_params or {}
        wanted = query.get("to")
        return outbox.messages_to(wanted, region) if wanted else outbox.messages(region)

    @routes.route("/_dev/outbox", methods=["GET"])
    def outbox_json() -> Response:
        return web.json_response(sent())

    @routes.route("/_dev/outbox.html", methods=["GET"])
    def outbox_html() -> Response:
        return web.html_response(render_outbox(sent()))

    @routes.route("/_dev/outbox/{message_id}", methods=["GET"])
    def one_email(message_id: str) -> Response:
        found = next((m for m in outbox.messages(region) if m["id"] == message_id), None)
        if found is None:
            return web.not_found(routes.current_request, "email")
        # The email's own HTML, as the recipient's mail client would show it.
        return web.html_response(found["html"] or f"<pre>{escape(found['text'])}</pre>")

    @routes.route("/_dev/pump", methods=["POST"], content_types=web.FORM_TYPES)
    def drive_pump() -> Response:
        """Deliver everything queued now; `{"now": ISO time}` also fires schedules due by then."""
        data = web.body(routes.current_request)
        now = None
        if data.get("now"):
            try:
                now = clock.parse(str(data["now"]))
            except ValueError:
                return web.invalid({"now": "Give an ISO 8601 time with an offset, "
                                           "e.g. 2030-03-09T18:00:00+00:00."})
        handled = pump.drain(now)
        return web.json_response({"handled": handled, "delivered": pump.pump.delivered,
                                  "failed": pump.pump.failed})

    return routes
