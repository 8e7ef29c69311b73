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


# Addresses that look like another one, or like nothing at all, were accepted as new people.
LOOKALIKES = {
    "nul": "a\x00da@example.com",
    "newline": "ada@example.com\nBcc: eve@example.com",
    "zero width space": "a\u200bda@example.com",
    "zero width joiner": "ad\u200da@example.com",
    "word joiner": "ada\u2060@example.com",
    "byte order mark": "\ufeffada@example.com",
    "right-to-left override": "ada\u202e@example.com",
    "left-to-right isolate": "a\u2066da@example.com",
    "zero width space in the domain": "ada@exa\u200bmple.com",
    "cyrillic a": "\u0430da@example.com",
    "full-width letters": "\uff41\uff44\uff41@example.com",
}


@pytest.mark.parametrize("address", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_hidden_control_and_lookalike_characters_are_refused(address: str) -> None:
    assert not is_email(normalise_email(address))
    form = Form({"email": address})
    assert form.email() is None
    assert "email" in form.errors


def test_a_hidden_character_is_named_so_the_person_can_retype() -> None:
    form = Form({"email": "a\u200bda@example.com"})
    form.email()
    assert "U+200B" in form.errors["email"] and "type it again" in form.errors["email"]


def test_a_foreign_letter_before_the_at_is_named() -> None:
    form = Form({"email": "\u0430da@example.com"})
    form.email()
    assert "U+0430" in form.errors["email"] and "Latin letters" in form.errors["email"]


def test_an_international_domain_is_one_identity_in_its_idna_form() -> None:
    assert normalise_email("Ada@Bücher.DE") == "ada@xn--bcher-kva.de"
    assert normalise_email("ada@xn--bcher-kva.de") == "ada@xn--bcher-kva.de"
    assert is_email("ada@xn--bcher-kva.de") and not is_email("ada@bücher.de")
    assert Form({"email": " ADA@bücher.de "}).email() == "ada@xn--bcher-kva.de"


def test_identity_ignores_case_and_only_the_stored_form_counts_as_an_address() -> None:
    assert normalise_email("ANN@EXAMPLE.COM") == normalise_email("ann@example.com")
    assert not is_email("Ann@example.com")


def test_an_email_field_that_is_not_text_or_too_long_is_named() -> None:
    form = Form({"email": ["a@example.com", "b@example.com"], "other": "x" * 250 + "@example.com"})
    form.email()
    form.email("other")
    assert form.errors == {"email": "Your email address must be text.",
                           "other": "Keep your email address to 254 characters or fewer."}


def test_a_misspelt_time_zone_is_named_with_its_likely_meaning_and_times_without_offset_say_nothing_more() -> None:
    # Given times without an offset, to be read in a time zone that is misspelt
    form = Form({"timezone": "Europe/Londn", "starts_at": "2027-03-09T10:00"})

    # When both are read
    zone = form.timezone()
    starts = form.moment("starts_at", "the start time", zone=zone)

    # Then the zone's message suggests the right one, and the time adds no second, misleading message
    assert zone is None and starts is None
    assert form.errors["timezone"] == "Unknown time zone 'Europe/Londn': did you mean Europe/London?"
    assert "starts_at" not in form.errors
