"""Reading a registration and telling people from bots, without touching AWS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.core import form_guard
from chalicelib.registration import forms

NOW = datetime(2030, 2, 1, 9, 0, tzinfo=UTC)
GOOD = {"email": " Ada@Example.COM ", "name": "Ada  Lovelace", "organisation": "Analytical\nEngines",
        "consent_report": "true"}


def test_a_good_registration_is_read_normalised() -> None:
    person, form = forms.read_registrant(GOOD)
    assert form.errors == {}
    assert person == forms.Registrant(
        email="ada@example.com", name="Ada Lovelace", organisation="Analytical Engines",
        job_title="", needs="", consent_report=True, consent_updates=False)


def test_needs_keep_their_line_breaks() -> None:
    person, _ = forms.read_registrant({**GOOD, "needs": "Vegetarian\r\nQuiet room"})
    assert person is not None and person.needs == "Vegetarian\nQuiet room"


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"email": ""}, "email", "Enter your email address."),
    ({"email": "ada@"}, "email", "like name@example.com"),
    ({"name": "  "}, "name", "Enter your name."),
    ({"organisation": None}, "organisation", "Enter your organisation."),
    ({"job_title": "x" * 151}, "job_title", "150 characters"),
    ({"needs": "x" * 1001}, "needs", "1000 characters"),
    ({"consent_updates": "perhaps"}, "consent_updates", "yes or no"),
    ({"name": ["Ada", "Grace"]}, "name", "must be text"),
    ({"favourite_colour": "red"}, "favourite_colour", "not a field here"),
])
def test_each_bad_field_gets_a_message_a_person_can_act_on(changes: dict, field: str, says: str) -> None:
    person, form = forms.read_registrant({**GOOD, **changes})
    assert person is None
    assert set(form.errors) == {field}
    assert says in form.errors[field]
    typed = {**GOOD, **changes}["email"]
    assert form.values["email"] == (typed or "").strip()  # what was typed comes back


def test_the_honeypot_and_form_started_are_not_unknown_fields() -> None:
    person, form = forms.read_registrant({**GOOD, "website": "", "form_started": "123"})
    assert person is not None and form.errors == {}


def _stamp(seconds_ago: float) -> str:
    return form_guard.form_started_stamp(NOW - timedelta(seconds=seconds_ago))


@pytest.mark.parametrize(("data", "browser", "fast"), [
    ({"form_started": _stamp(30)}, True, False),
    ({"form_started": _stamp(2)}, True, False),
    ({"form_started": _stamp(1)}, True, True),
    ({"form_started": _stamp(-600)}, True, True),  # from the future
    ({}, True, True),
    ({"form_started": "soon"}, True, True),
    ({}, False, False),  # API clients are not held to a fill time
])
def test_a_browser_form_posted_too_soon_is_told_apart(data: dict, browser: bool, fast: bool) -> None:
    assert form_guard.too_fast(data, browser_form=browser, now=NOW) is fast


@pytest.mark.parametrize(("data", "bot"), [
    ({"website": "http://spam.example"}, True),
    ({"website": ["x"]}, True),
    ({"website": ""}, False),
    ({}, False),
])
def test_only_a_filled_honeypot_is_a_bot_for_sure(data: dict, bot: bool) -> None:
    assert form_guard.filled_honeypot(data) is bot


def test_a_corrected_form_keeps_its_original_start() -> None:
    assert form_guard.kept_stamp({"form_started": _stamp(1)}, now=NOW) == _stamp(1)
    assert form_guard.kept_stamp({"form_started": "<script>"}, now=NOW) == _stamp(0)
    # One from the future was not served by us: a fresh one, or the person could never pass
    assert form_guard.kept_stamp({"form_started": _stamp(-600)}, now=NOW) == _stamp(0)


@pytest.mark.parametrize(("data", "emails", "error"), [
    ({"emails": ["Ada@Example.com", " bob@example.com "]}, ["ada@example.com", "bob@example.com"], None),
    ({"emails": "ada@example.com\nbob@example.com, cy@example.com"},
     ["ada@example.com", "bob@example.com", "cy@example.com"], None),
    ({"emails": []}, [], "emails"),
    ({"emails": [1, 2]}, [], "emails"),
    ({}, [], "emails"),
    ({"emails": ["ada@example.com", "not an address"]}, [], "emails"),
    ({"emails": ["a@example.com"] * 2001}, [], "emails"),
    ({"emails": ["a@example.com"], "event": "x"}, [], "event"),
])
def test_attendance_takes_a_list_of_addresses(data: dict, emails: list[str], error: str | None) -> None:
    found, errors = forms.read_attendance(data)
    assert found == emails
    assert (error in errors) if error else errors == {}
