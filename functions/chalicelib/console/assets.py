"""The console's few scripts, served from the site itself (its CSP runs no other script).

Each page works without them: a script only adds what a browser can do better with one (a poll
chart that follows the votes, an upload with a progress bar, a camera at the door). They are plain files under
templates/pages/console/, read by the one renderer, so the bundle carries them like any page.
"""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import render
from chalicelib.core.errors import NotFound

blueprint = Blueprint(__name__)

SCRIPTS = ("door", "present", "upload")


@blueprint.route("/console/assets/{name}", methods=["GET"])
def script(name: str) -> Response:
    stem = name.removesuffix(".js")
    if stem not in SCRIPTS or not name.endswith(".js"):
        raise NotFound("script")
    return Response(body=render.render(f"pages/console/{stem}.js"), status_code=200,
                    headers={"Content-Type": "text/javascript; charset=utf-8",
                             "Cache-Control": "public, max-age=300"})
