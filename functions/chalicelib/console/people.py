"""Console pages for a person's data: export everything held about an address, or erase it
after a confirmation that shows what is held. The same service as /admin/people."""

from __future__ import annotations

import json

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.people import forms
from chalicelib.people import service as people

blueprint = Blueprint(__name__)


@pages.route(blueprint, "/console/people")
def people_page(console: pages.Console) -> Response:
    return console.page("console/people.html", values={}, errors={}, failed="")


@pages.route(blueprint, "/console/people/export", methods=["POST"])
def export_person(console: pages.Console) -> Response:
    email, problems = forms.read_person(console.form)
    if email is None:
        return console.page("console/people.html", 400, values=console.form, errors=problems, failed="export")
    exported = people.export_person(email, console.organiser)
    return console.page("console/people_export.html", email=email, exported=exported,
                        held={kind: len(items) for kind, items in exported["held"].items()},
                        document=json.dumps(exported, indent=2, default=str, ensure_ascii=False))


@pages.route(blueprint, "/console/people/erase", methods=["POST"])
def erase_person(console: pages.Console) -> Response:
    """Without `confirm`: what is held, and a button to erase it; with it: erased."""
    form = console.form
    confirmed = form.pop("confirm", "") == "yes"
    email, problems = forms.read_person(form)
    if email is None:
        return console.page("console/people.html", 400, values=form, errors=problems, failed="erase")
    if not confirmed:
        exported = people.export_person(email, console.organiser)
        held = {kind: len(items) for kind, items in exported["held"].items() if items}
        return console.page("console/people_erase.html", email=email, held=held)
    erased = people.erase_person(email, console.organiser)
    kept = " Their address stays on the do-not-email list." if erased["kept"]["suppression"] else ""
    return console.redirect("/console/people", flash=f"Erased {erased['erased']} items held about {email}.{kept}")
