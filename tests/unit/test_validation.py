"""Field rules: each bad field gets one message a person can act on."""

from __future__ import annotations

import pytest

from chalicelib.core.validation import Form, is_email, normalise_email


@pytest.mark.parametrize("address", ["ann@example.com", "a.b+club@sub.example.co.uk", "x@y.io"])
def test_ordinary_addresses_are_accepted(address: str) -> None:
    assert is_email(address)


@pytest.mark.parametrize("address", ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com",
                                     "<script>@example.com", "ann@-example.com", "a" * 250 + "@example.com"])
def test_broken_addresses_are_refused(address: str) -> None:
    assert not is_email(address)


def test_email_is_normalised_so_one_person_is_one_registration() -> None:
    assert normalise_email("  Ann.Smith@Example.COM ") == "ann.smith@example.com"


def test_form_names_every_bad_field_and_keeps_what_was_typed() -> None:
    form = Form({"email": "not-an-email", "capacity": "lots", "name": "  Ann  "})
    form.email()
    form.integer("capacity", "the capacity", minimum=1, maximum=100)
    name = form.text("name", "your name")
    form.text("organisation", "your organisation")

    assert name == "Ann"
    assert form.errors == {
        "email": "Enter an email address like name@example.com.",
        "capacity": "The capacity must be a whole number.",
        "organisation": "Enter your organisation.",
    }
    assert form.values["email"] == "not-an-email"


def test_checkbox_values_from_forms_and_json_both_read_as_booleans() -> None:
    form = Form({"a": "on", "b": True, "c": "", "d": "maybe"})
    assert [form.boolean(n) for n in "abc"] == [True, True, False]
    form.boolean("d")
    assert "d" in form.errors


def test_time_without_offset_is_read_in_the_event_zone() -> None:
    form = Form({"starts_at": "2030-07-01T10:00:00"})
    moment = form.moment("starts_at", "the start time", zone="Europe/London")
    assert moment is not None and moment.isoformat() == "2030-07-01T09:00:00+00:00"


def test_unknown_time_zone_is_refused_with_an_example() -> None:
    form = Form({"timezone": "Mars/Olympus"})
    assert form.timezone() is None
    assert "Europe/London" in form.errors["timezone"]


def test_unknown_fields_are_named() -> None:
    form = Form({"title": "x", "colour": "red"})
    form.unknown({"title"})
    assert "colour" in form.errors
