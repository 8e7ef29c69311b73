"""The errors a request can be refused with, raised by services and routes alike and answered
in one place (core/web): each names its HTTP status and what the person can act on.

No web framework here: services raise these without knowing how they are shown.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Refused(Exception):
    """A request the product refuses: `errors` maps a field (or "_") to a message a person can
    act on; `extra` adds top-level fields to the JSON answer; `page` feeds the HTML page."""

    status: ClassVar[int] = 400

    def __init__(self, errors: dict[str, str], *, extra: dict[str, Any] | None = None,
                 page: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.extra = extra or {}
        self.page = page or {}
        self.headers = headers or {}


class Invalid(Refused):
    """Input that cannot be used as sent: 400."""

    status = 400


class Forbidden(Refused):
    """Understood, but not allowed from this sender (a console form without its CSRF token): 403."""

    status = 403


class NotFound(Refused):
    """No such thing (an unknown id, or a link unknown, expired or used): 404."""

    status = 404

    def __init__(self, what: str = "page") -> None:
        super().__init__({"_": f"No such {what}."}, page={"what": what})
        self.what = what


class Conflict(Refused):
    """Understood, but the thing's state refuses it now (closed, started, already sent): 409."""

    status = 409


class TooLarge(Refused):
    """A body over the size limit: 413."""

    status = 413


class TooManyRequests(Refused):
    """One client has sent more than its share of requests of a kind: 429, with Retry-After."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            {"_": f"Too many requests from your network. Please try again in {minutes} "
                  f"minute{'s' if minutes != 1 else ''}."},
            extra={"retry_after": retry_after}, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after
