"""The privacy notice: what the club keeps about people, why, for how long, and how to ask."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core import web
from chalicelib.core.settings import get_settings

blueprint = Blueprint(__name__)


@blueprint.route("/privacy", methods=["GET"])
def privacy_notice() -> Response:
    settings = get_settings()
    response = web.page("privacy/notice.html", contact=settings.privacy_contact,
                        retention_months=settings.retention_months,
                        needs_retention_days=settings.needs_retention_days,
                        download_log_retention_months=settings.download_log_retention_months)
    # The same for everyone and changed only by a deployment: shared caches may keep it a while.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
