"""The host nomination form's rules: each bad field named with what to do, the rest kept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.core import form_guard
from chalicelib.nominations import forms

NOMINATION = {
    "kind": "host",
    "organisation": "  Close   Brothers ",
    "contact_name": "Grace Hopper",
    "email": " Grace@Example.COM ",
    "city": "London",
    "venue": "10 Crown Place\r\nLondon EC2A 4FT",
    "capacity": "60",
    "facilities": "Lunch, projector, quiet rooms",
    "preferred_months": ["june", "Mar"],
    "message": "We would love to host.",
}


def read(**changes: Any) -> tuple[forms.HostNomination | None, dict[str, str]]:
    data = {**NOMINATION, **changes}
    nomination, form = forms.read_nomination({k: v for k, v in data.items() if v is not None})
    return nomination, form.errors


def test_a_complete_nomination_is_read_tidily() -> None:
    nomination, errors = read()

    assert errors == {}
    assert nomination is not None
    assert nomination.organisation == "Close Brothers"
    assert nomination.email == "grace@example.com"
    assert nomination.venue == "10 Crown Place\nLondon EC2A 4FT"
    assert nomination.capacity == 60
    # Months come back in calendar order, full names.
    assert nomination.preferred_months == ["March", "June"]


def test_optional_fields_may_be_left_out_and_kind_defaults_to_host() -> None:
    nomination, errors = read(kind=None, facilities=None, preferred_months=None, message=None)

    assert errors == {}
    assert nomination is not None and nomination.kind == "host"
    assert nomination.preferred_months == [] and nomination.facilities == ""


def test_months_may_be_one_comma_separated_text() -> None:
    nomination, _ = read(preferred_months="September, january")

    assert nomination is not None and nomination.preferred_months == ["January", "September"]


def test_every_bad_field_is_named_with_what_to_do() -> None:
    nomination, errors = read(kind="sponsor", organisation="", contact_name=" ", email="grace@",
                              city="", venue="", capacity="lots", preferred_months=["Smarch"],
                              colour="blue")

    assert nomination is None
    assert errors == {
        "kind": "Choose the kind of nomination from: host.",
        "organisation": "Enter your organisation's name.",
        "contact_name": "Enter your name.",
        "email": "Enter an email address like name@example.com.",
        "city": "Enter the town or city of the venue.",
        "venue": "Enter the venue's name and address.",
        "capacity": "How many people the venue seats must be a whole number.",
        "preferred_months": "Use month names, like March or Mar; 'Smarch' is not one.",
        "colour": errors["colour"],
    }
    assert "'colour' is not a field here" in errors["colour"]


def test_capacity_must_be_a_sensible_number() -> None:
    _, zero = read(capacity="0")
    _, huge = read(capacity="100000")

    assert zero["capacity"] == "How many people the venue seats must be between 1 and 5000."
    assert huge["capacity"] == zero["capacity"]


def test_typed_values_are_kept_for_the_form_shown_again() -> None:
    _, form = forms.read_nomination({**NOMINATION, "email": "nope"})

    assert form.values["organisation"] == "Close   Brothers"
    assert form.values["preferred_months"] == ["june", "Mar"]


def test_a_decision_is_one_of_three_with_an_optional_message() -> None:
    decision, errors = forms.read_decision({"status": "accepted", "message": "See you in June"})
    refused, problems = forms.read_decision({"status": "maybe", "note": "x"})

    assert errors == {} and decision == forms.Decision("accepted", "See you in June")
    assert refused is None
    assert problems["status"] == "Choose the decision from: shortlisted, accepted, declined."
    assert "'note' is not a field here" in problems["note"]


def test_robots_fill_the_honeypot_or_post_too_fast_but_api_clients_are_not_timed() -> None:
    now = datetime(2030, 3, 10, 9, 0, 0, tzinfo=UTC)
    served = form_guard.form_started_stamp(now)
    later = datetime(2030, 3, 10, 9, 1, 0, tzinfo=UTC)

    assert form_guard.filled_honeypot({"website": "http://spam"})
    assert not form_guard.filled_honeypot({"form_started": served, "website": ""})
    assert form_guard.too_fast({"form_started": served}, browser_form=True, now=now)
    assert form_guard.too_fast({}, browser_form=True, now=later)
    assert not form_guard.too_fast({"form_started": served, "website": ""}, browser_form=True,
                                   now=later)
    assert not form_guard.too_fast({}, browser_form=False, now=now)
