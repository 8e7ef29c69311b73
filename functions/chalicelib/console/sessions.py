"""Who is signed in to the console: one-time emailed sign-in links, and sessions.

Passwordless. The sign-in form stores a request whose consumer emails a link (a token of
core/tokens: 15 minutes, one use) only to an address holding a live organiser key; the form's
answer is the same for any address. Opening the link shows a button; its POST redeems the
token and starts a session, so a mail scanner that opens links signs no one in.

A session is 256 random bits in an HttpOnly cookie, stored only as its SHA-256 hash with an
expiry (12 hours; the table's TTL removes it later, expiry is enforced here). Every request
checks that its organiser still holds a live key: revoking an organiser ends their sessions
at once. Signing out deletes the session. Each session's forms carry a CSRF token derived from
the session's own raw token, so it is never stored and no other session (or site) can know it.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.core import auth, clock, hashing, keys, mail, outbox, rate_limits, store, tokens
from chalicelib.core.domain_events import SignInRequested
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings

SIGN_IN_REQUESTED = "SignInRequested"
SIGN_IN = "console-sign-in"
LINK_MINUTES = 15
SESSION_HOURS = 12
SESSION_SECONDS = SESSION_HOURS * 3600
# Each request emails whatever address was typed: a cap per address keeps any inbox quiet
# (each client is limited at the route, core/rate_limits).
REQUESTS_PER_EMAIL_PER_HOUR = 5
_CSRF_PURPOSE = "console-csrf"


@dataclass(frozen=True)
class Session:
    """A signed-in organiser: their address, and the CSRF token their forms carry."""

    organiser: str
    token_hash: str
    csrf_token: str
    expires_at: int
    # A one-time message for the next page (set by a form's redirect, shown once).
    flash: str = ""


# --- asking for a link ------------------------------------------------------------------------


def request_sign_in(email: str) -> None:
    """Have a sign-in link emailed if `email` is an organiser's. Nothing tells whether it is:
    the consumer decides, and requests over the per-address limit are dropped without a word."""
    if not rate_limits.within_hourly_limits([
            ("console-sign-in-email", hashing.email_digest(email), REQUESTS_PER_EMAIL_PER_HOUR)]):
        logger.info("sign-in request dropped over its limit")
        return
    outbox.put(SIGN_IN_REQUESTED, SignInRequested(
        request_id=secrets.token_hex(16), email=email, requested_at=clock.iso(clock.now())))


def send_sign_in_link(detail: SignInRequested) -> bool:
    """Email the one-time link to an organiser with a live key; nothing to anyone else."""
    email = detail["email"]
    if not auth.is_organiser(email):
        return False
    raw = tokens.issue_token(SIGN_IN, {"email": email}, ttl=timedelta(minutes=LINK_MINUTES), max_uses=1)
    mail.send(mail.Email(
        to=email,
        subject="Your link to sign in to the CofEe Club console",
        template="console_sign_in",
        context={"link": f"{get_settings().public_base_url}/console/sign-in/{raw}", "minutes": LINK_MINUTES},
    ))
    return True


# --- the link's page and its button -----------------------------------------------------------


def link_is_valid(raw_token: str) -> bool:
    """Whether the link would sign someone in now; looking uses nothing."""
    return tokens.peek(raw_token, SIGN_IN) is not None


def sign_in(raw_token: str) -> tuple[str, Session] | None:
    """Use the link up and start a session: the session's raw token (for the cookie) and the
    session; None for a link unknown, expired or used, or an organiser revoked since."""
    token = tokens.redeem(raw_token, SIGN_IN)
    if token is None:
        return None
    email = str(token.data["email"])
    if not auth.is_organiser(email):
        return None
    return start_session(email)


def start_session(organiser: str) -> tuple[str, Session]:
    raw = secrets.token_urlsafe(32)
    token_hash = hashing.digest(raw)
    now = clock.now()
    expires = int(now.timestamp()) + SESSION_SECONDS
    store.put({**keys.console_session(token_hash), "organiser": organiser,
               "created_at": clock.iso(now), keys.TTL_ATTRIBUTE: expires})
    logger.info("console session started")
    return raw, Session(organiser, token_hash, csrf_token(raw), expires)


# --- each request -----------------------------------------------------------------------------


def _valid_shape(raw: str) -> bool:
    return 20 <= len(raw) <= 100 and all(c.isalnum() or c in "-_" for c in raw)


def session_for(raw: str) -> Session | None:
    """The live session of a cookie's token: None when unknown, expired, signed out, or when its
    organiser no longer holds a live key (the session is then deleted for good)."""
    if not _valid_shape(raw):
        return None
    token_hash = hashing.digest(raw)
    item = store.get(keys.console_session(token_hash))
    if item is None:
        return None
    expires = int(item[keys.TTL_ATTRIBUTE])
    if expires <= int(clock.now().timestamp()):
        return None
    organiser = str(item["organiser"])
    if not auth.is_organiser(organiser):
        store.delete(keys.console_session(token_hash))
        logger.info("console session ended: organiser revoked")
        return None
    return Session(organiser, token_hash, csrf_token(raw), expires, str(item.get("flash") or ""))


def csrf_token(raw_session: str) -> str:
    return hashing.digest(_CSRF_PURPOSE, raw_session)


def csrf_matches(session: Session, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), session.csrf_token.encode())


def end_session(session: Session) -> None:
    store.delete(keys.console_session(session.token_hash))
    logger.info("console session ended: signed out")


def keep_flash(session: Session, message: str) -> None:
    """Keep a message for the session's next page (after a form's redirect)."""
    # A session signed out (or ended) meanwhile keeps nothing.
    with contextlib.suppress(store.ConditionFailed):
        store.update(keys.console_session(session.token_hash), "SET flash = :message",
                     condition="attribute_exists(pk)", vals={":message": message}, return_values="NONE")


def clear_flash(session: Session) -> None:
    with contextlib.suppress(store.ConditionFailed):
        store.update(keys.console_session(session.token_hash), "REMOVE flash",
                     condition="attribute_exists(pk)", return_values="NONE")
