"""The site's own routes: the front door goes to the events, and the icon every browser asks for."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.settings import get_settings

blueprint = Blueprint(__name__)

# A coffee cup in the site's accent colour; SVG, so it stays text (no binary media types).
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#6b3f1d"/>'
    '<path d="M8 12h13v7a5 5 0 0 1-5 5h-3a5 5 0 0 1-5-5z" fill="#faf7f2"/>'
    '<path d="M21 14h2a3 3 0 0 1 0 6h-2" fill="none" stroke="#faf7f2" stroke-width="2"/>'
    "</svg>"
)


@blueprint.route("/", methods=["GET"])
def front_door() -> Response:
    return Response(body="", status_code=302, headers={"Location": f"{get_settings().public_base_url}/events"})


@blueprint.route("/favicon.ico", methods=["GET"])
def favicon() -> Response:
    return Response(body=ICON, status_code=200,
                    headers={"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"})
