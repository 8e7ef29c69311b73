"""The organiser authorizer, shared by every blueprint with /admin routes."""

from __future__ import annotations

from chalice import AuthResponse, Blueprint
from chalice.app import AuthRequest

from chalicelib.core.auth import AUTH_CACHE_SECONDS, authorize

blueprint = Blueprint(__name__)


@blueprint.authorizer(ttl_seconds=AUTH_CACHE_SECONDS, name="organiser_auth")
def organiser_auth(auth_request: AuthRequest) -> AuthResponse:
    return authorize(auth_request)


def organiser_email(context: dict) -> str:
    """Who is calling, as the authorizer established it."""
    return str((context.get("authorizer") or {}).get("principalId", "unknown"))
