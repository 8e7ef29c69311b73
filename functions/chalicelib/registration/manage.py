"""A person changes their own registration from its manage link: name, organisation, job title,
needs and consents. The address is what the registration is for, so it is never changed here
(registering with another address is a new registration)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, keys, store
from chalicelib.core.validation import Form
from chalicelib.registration import service

EDITABLE = ("name", "organisation", "job_title", "needs", "consent_report", "consent_updates")
CONSENTS = ("consent_report", "consent_updates")


def held_values(record: dict[str, Any]) -> dict[str, Any]:
    """The manage form's values as held (a missing text field is empty, not 'None')."""
    return {name: bool(record.get(name)) if name in CONSENTS else (record.get(name) or "") for name in EDITABLE}


@dataclass(frozen=True)
class Details:
    name: str
    organisation: str
    job_title: str
    needs: str
    consent_report: bool
    consent_updates: bool


def read_details(data: dict[str, Any], current: dict[str, Any], *, whole_form: bool) -> tuple[Details | None, Form]:
    """Validate the changes against what is held. A browser form sends every field, an unticked
    box by leaving it out; a JSON client sends only what changes."""
    held = {name: current.get(name) for name in EDITABLE}
    if whole_form:
        held.update(dict.fromkeys(CONSENTS, False))
    form = Form({**held, **data})
    form.unknown(set(EDITABLE))
    name = form.line("name", "your name", max_len=120)
    organisation = form.line("organisation", "your organisation", max_len=150)
    job_title = form.line("job_title", "your job title", required=False, max_len=150)
    needs = form.paragraphs("needs", "your needs", max_len=1000)
    consent_report = form.boolean("consent_report")
    consent_updates = form.boolean("consent_updates")
    if not form.ok or name is None or organisation is None:
        return None, form
    return Details(name, organisation, job_title or "", needs or "", consent_report, consent_updates), form


def change_details(record: dict[str, Any], details: Details) -> dict[str, Any] | None:
    """Store the person's new details on their registration; None if it is gone (erased, or
    replaced by a new registration since the link was sent)."""
    values = {name: getattr(details, name) for name in EDITABLE}
    try:
        return store.update(
            keys.registration(record["event_id"], record["email"]),
            "SET " + ", ".join(f"#{name} = :{name}" for name in values) + ", updated_at = :now",
            condition="registration_id = :rid",
            names=store.names(*values),
            vals={**{f":{name}": value for name, value in values.items()},
                  ":now": clock.iso(clock.now()), ":rid": record["registration_id"]},
        )
    except store.ConditionFailed:
        return None


def manage_by_link(raw_token: str, data: dict[str, Any], *,
                   whole_form: bool) -> tuple[service.Managed | None, Form]:
    """Apply a manage page's changes. (None, form) for an unknown link; (managed, form with
    errors) when a field is wrong, nothing written; else the registration as now held."""
    managed = service.from_link(raw_token)
    if managed is None:
        return None, Form(data)
    details, form = read_details(data, managed.record, whole_form=whole_form)
    if details is None:
        return managed, form
    changed = change_details(managed.record, details)
    if changed is None:
        return None, form
    return service.Managed(managed.event, changed, managed.position), form
