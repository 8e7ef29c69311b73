"""Console pages for the organisers: who holds a key, adding one (the key is shown once, as
`clubflow organisers add` prints it) and revoking one, which also ends the holder's sessions."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.core import auth
from chalicelib.people import forms

blueprint = Blueprint(__name__)


@pages.route(blueprint, "/console/organisers")
def organisers_page(console: pages.Console) -> Response:
    return _listing(console)


@pages.route(blueprint, "/console/organisers", methods=["POST"])
def add_organiser(console: pages.Console) -> Response:
    email, problems = forms.read_person(console.form)
    if email is None:
        return _listing(console, 400, values=console.form, errors=problems)
    raw, organiser = auth.add_organiser(email)
    # The key is shown on this answer only (never stored in the clear, never redirected to).
    return console.page("console/organiser_added.html", key=raw, organiser=organiser)


@pages.route(blueprint, "/console/organisers/revoke", methods=["POST"])
def revoke_organiser(console: pages.Console) -> Response:
    """Without `confirm`: a page that asks; with it: every key of that id or address revoked."""
    form = console.form
    confirmed = form.pop("confirm", "") == "yes"
    key_id = str(form.get("key_id") or "")
    matching = [o for o in auth.list_organisers() if key_id and key_id in (o.key_id, o.email) and not o.revoked]
    if not matching:
        return _listing(console, 404, errors={"key_id": "No live key has that id; it may be revoked already."})
    if not confirmed:
        return console.page("console/organiser_revoke.html", key_id=key_id, organisers=matching,
                            yourself=any(o.email == console.organiser for o in matching))
    revoked = auth.revoke(key_id)
    return console.redirect("/console/organisers" if matching[0].email != console.organiser else pages.HOME,
                            flash=f"Revoked {revoked} key{'s' if revoked != 1 else ''}; "
                                  "their sessions in the console have ended.")


def _listing(console: pages.Console, status: int = 200, **context: object) -> Response:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return console.page("console/organisers.html", status,
                        organisers=sorted(auth.list_organisers(), key=lambda o: (o.revoked, o.email)), **context)
