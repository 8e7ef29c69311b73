"""The organiser authorizer, shared by every blueprint with /admin routes.

Deployed as a function of its own whose handler is this module's `organiser_auth` (Chalice points
it here, not at app.py), so app middleware never runs for it: it logs for itself.
"""

from __future__ import annotations

import os

from chalice import AuthResponse, Blueprint
from chalice.app import AuthRequest

from chalicelib.core.auth import AUTH_CACHE_SECONDS, authorize
from chalicelib.core.observability import logger

blueprint = Blueprint(__name__)


@blueprint.authorizer(ttl_seconds=AUTH_CACHE_SECONDS, name="organiser_auth")
def organiser_auth(auth_request: AuthRequest) -> AuthResponse:
    # A TOKEN authorizer's event carries no request id; the X-Ray trace id is the request's own
    # (API Gateway passes it on to the API function too, where Powertools logs it as xray_trace_id).
    logger.append_keys(correlation_id=_trace_root())
    try:
        return authorize(auth_request)
    except Exception:
        # API Gateway answers 500 for a failed authorizer and logs nothing of why: we do.
        logger.exception("organiser key could not be checked")
        raise


def _trace_root() -> str:
    trace = os.environ.get("_X_AMZN_TRACE_ID", "")
    return next((part.removeprefix("Root=") for part in trace.split(";") if part.startswith("Root=")), "")


def organiser_email(context: dict) -> str:
    """Who is calling, as the authorizer established it."""
    return str((context.get("authorizer") or {}).get("principalId", "unknown"))
