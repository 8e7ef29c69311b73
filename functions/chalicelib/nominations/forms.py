"""Reading a host nomination and an organiser's decision, and turning form robots away quietly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.form_guard import FORM_STARTED, HONEYPOT
from chalicelib.core.validation import Form

KINDS = ("host",)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
NOMINATION_FIELDS = {
    "kind", "organisation", "contact_name", "email", "city", "venue", "capacity",
    "facilities", "preferred_months", "message",
}
# Not the nominee's data: the honeypot and the time the page was served.
FORM_FIELDS = NOMINATION_FIELDS | {HONEYPOT, FORM_STARTED}
# People take longer than this to fill in six fields; scripts posting straight away do not.
MAX_CAPACITY = 5000
DECISIONS = ("shortlisted", "accepted", "declined")
DECISION_FIELDS = {"status", "message"}


@dataclass(frozen=True)
class HostNomination:
    organisation: str
    contact_name: str
    email: str
    city: str
    venue: str
    capacity: int
    facilities: str
    preferred_months: list[str]
    message: str
    kind: str = "host"


@dataclass(frozen=True)
class Decision:
    status: str
    message: str


def _month(raw: str) -> str | None:
    wanted = raw.strip().lower()
    for month in MONTHS:
        if wanted in (month.lower(), month[:3].lower()):
            return month
    return None


def read_months(form: Form, name: str = "preferred_months") -> list[str]:
    """Months as a list (repeated form fields, a JSON list) or one comma-separated text."""
    raw = form.data.get(name)
    if raw in (None, "", []):
        form.values[name] = []
        return []
    parts = raw if isinstance(raw, list) else str(raw).split(",")
    if not all(isinstance(part, str) for part in parts):
        form.error(name, "Give the months as names, like March, June.")
        return []
    chosen = [part for part in parts if part.strip()]
    form.values[name] = chosen
    unknown = [part.strip() for part in chosen if _month(part) is None]
    if unknown:
        form.error(name, f"Use month names, like March or Mar; '{unknown[0][:20]}' is not one.")
        return []
    found = {_month(part) for part in chosen}
    return [month for month in MONTHS if month in found]


def read_nomination(data: dict[str, Any]) -> tuple[HostNomination | None, Form]:
    """Validate the fields; the Form keeps what was typed and one message per bad field."""
    form = Form(data)
    form.unknown(FORM_FIELDS)
    kind = form.choice("kind", "the kind of nomination", KINDS, default="host")
    organisation = form.line("organisation", "your organisation's name", max_len=150)
    contact_name = form.line("contact_name", "your name", max_len=120)
    email = form.email()
    city = form.line("city", "the town or city of the venue", max_len=80)
    venue = form.paragraphs("venue", "the venue's name and address", required=True, max_len=300)
    capacity = form.integer("capacity", "how many people the venue seats",
                            minimum=1, maximum=MAX_CAPACITY)
    facilities = form.paragraphs("facilities", "the facilities", max_len=1000)
    months = read_months(form)
    message = form.paragraphs("message", "your message", max_len=2000)
    if (not form.ok or kind is None or organisation is None or contact_name is None
            or email is None or city is None or venue is None or capacity is None):
        return None, form
    return HostNomination(
        kind=kind,
        organisation=organisation,
        contact_name=contact_name,
        email=email,
        city=city,
        venue=venue,
        capacity=capacity,
        facilities=facilities or "",
        preferred_months=months,
        message=message or "",
    ), form


def read_decision(data: dict[str, Any]) -> tuple[Decision | None, dict[str, str]]:
    """An organiser's decision: one of DECISIONS, and an optional message for the nominee."""
    form = Form(data)
    form.unknown(DECISION_FIELDS)
    status = form.choice("status", "the decision", DECISIONS)
    message = form.paragraphs("message", "the message", max_len=2000)
    if not form.ok or status is None:
        return None, form.errors
    return Decision(status=status, message=message or ""), {}


