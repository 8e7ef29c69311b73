"""Steps shared by the console's in-process tests: sign in (by the emailed link, or straight into
a session), then browse and post forms as the signed-in organiser's browser would.

    def test_something(client, organiser_key, pump, outbox):
        console = signed_in(client, pump, outbox)          # the whole emailed-link journey
        console = session(client)                          # or a session at once (fast)
        page = console.get("/console/events")              # 200 with the cookie
        done = console.post("/console/events", {"title": ...})  # the form's CSRF token added
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

ORGANISER = "organiser@example.com"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
SIGN_IN_LINK = re.compile(r"https?://[^\s\"'<>]+/console/sign-in/[A-Za-z0-9_-]{20,100}")
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass
class ConsoleBrowser:
    """A browser signed in to the console: sends its cookie, and the CSRF token with forms."""

    client: Any
    cookie: str
    csrf_token: str

    def headers(self, **more: str) -> dict[str, str]:
        return {"Cookie": f"clubflow_console={self.cookie}", "Accept": "text/html", **more}

    def get(self, path: str) -> Any:
        return self.client.http.get(path, headers=self.headers())

    def post(self, path: str, fields: dict[str, Any] | None = None, *, csrf: bool = True) -> Any:
        """Post a form as its page would (`csrf=False`: as another site, or a stale page, would)."""
        data = {**(fields or {}), **({"csrf_token": self.csrf_token} if csrf else {})}
        return self.client.http.post(path, body=urlencode(data, doseq=True),
                                     headers=self.headers(**{"Content-Type": FORM["Content-Type"]}))


def ask_for_link(client: Any, email: str = ORGANISER) -> Any:
    return client.http.post("/console/sign-in", headers=FORM, body=urlencode({"email": email}))


def sign_in_links(outbox: Any, email: str = ORGANISER) -> list[str]:
    """Paths of the sign-in links emailed to `email`, newest first."""
    return [path for message in outbox.messages_to(email)
            for path in dict.fromkeys(urlparse(link).path for link in SIGN_IN_LINK.findall(message["text"]))]


def press_sign_in(client: Any, path: str) -> Any:
    """What the link page's button sends: an empty form post to the link."""
    return client.http.post(path, body="", headers=FORM)


def session_cookie(response: Any) -> str:
    """The session token a sign-in's Set-Cookie carries."""
    match = re.match(r"clubflow_console=([A-Za-z0-9_-]+);", response.headers.get("Set-Cookie", ""))
    assert match, response.headers
    return match.group(1)


def browser_for(client: Any, cookie: str) -> ConsoleBrowser:
    """The signed-in browser of a session's cookie, with the CSRF token its pages carry."""
    home = client.http.get("/console", headers={"Cookie": f"clubflow_console={cookie}", "Accept": "text/html"})
    assert home.status_code == 200, home.body
    token = CSRF.search(home.body.decode())
    assert token, "the console's pages carry a CSRF token once signed in"
    return ConsoleBrowser(client, cookie, token.group(1))


def signed_in(client: Any, pump: Any, outbox: Any, email: str = ORGANISER) -> ConsoleBrowser:
    """Sign in as an organiser would: ask for a link, open it from the email, press Sign in.
    `email` must hold a live organiser key (the `organiser_key` fixture makes ORGANISER's)."""
    assert ask_for_link(client, email).status_code == 202
    pump.drain()
    path = sign_in_links(outbox, email)[0]
    signed = press_sign_in(client, path)
    assert signed.status_code == 303, signed.body
    return browser_for(client, session_cookie(signed))


def session(client: Any, email: str = ORGANISER) -> ConsoleBrowser:
    """A signed-in browser at once, without the email (for tests of the pages themselves)."""
    from chalicelib.console import sessions

    raw, _ = sessions.start_session(email)
    return browser_for(client, raw)
