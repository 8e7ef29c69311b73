"""Reading a registration from the form or a JSON body, and turning bots away quietly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.form_guard import FORM_STARTED, HONEYPOT
from chalicelib.core.validation import Form, is_email, normalise_email

REGISTRATION_FIELDS = {
    "email", "name", "organisation", "job_title", "needs", "consent_report", "consent_updates",
}
# Not the person's data: the honeypot and the time the page was served.
FORM_FIELDS = REGISTRATION_FIELDS | {HONEYPOT, FORM_STARTED}
# People take longer than this to fill in five fields; scripts posting straight away do not.


@dataclass(frozen=True)
class Registrant:
    email: str
    name: str
    organisation: str
    job_title: str
    needs: str
    consent_report: bool
    consent_updates: bool


def read_registrant(data: dict[str, Any]) -> tuple[Registrant | None, Form]:
    """Validate the fields; the Form keeps what was typed and one message per bad field."""
    form = Form(data)
    form.unknown(FORM_FIELDS)
    email = form.email()
    name = form.line("name", "your name", max_len=120)
    organisation = form.line("organisation", "your organisation", max_len=150)
    job_title = form.line("job_title", "your job title", required=False, max_len=150)
    needs = form.paragraphs("needs", "your needs", max_len=1000)
    consent_report = form.boolean("consent_report")
    consent_updates = form.boolean("consent_updates")
    if not form.ok or email is None or name is None or organisation is None:
        return None, form
    return Registrant(
        email=email,
        name=name,
        organisation=organisation,
        job_title=job_title or "",
        needs=needs or "",
        consent_report=consent_report,
        consent_updates=consent_updates,
    ), form


MAX_ATTENDANCE = 2000


def read_attendance(data: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The `emails` to mark as attended: a JSON list, or one per line (or comma) in a form."""
    errors: dict[str, str] = {}
    extra = sorted(set(data) - {"emails"})
    if extra:
        errors[extra[0]] = f"'{extra[0]}' is not a field here; send only 'emails'."
    raw = data.get("emails")
    if isinstance(raw, str):
        raw = [part for line in raw.splitlines() for part in line.split(",")]
    if not isinstance(raw, list) or not raw or not all(isinstance(item, str) for item in raw):
        errors["emails"] = 'Send "emails" as a list of email addresses, e.g. ["ada@example.com"].'
        return [], errors
    emails = [normalise_email(item) for item in raw if item.strip()]
    if len(emails) > MAX_ATTENDANCE:
        errors["emails"] = f"Send at most {MAX_ATTENDANCE} addresses at a time."
        return [], errors
    bad = [item for item in emails if not is_email(item)]
    if bad:
        shown = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        errors["emails"] = f"These are not email addresses: {shown}. Correct or remove them."
    return (emails if not errors else []), errors
