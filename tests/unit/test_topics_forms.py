"""The topic suggestion and vote forms: one line of title, a checked email, the honeypot."""

from __future__ import annotations

from chalicelib.topics import forms


def test_a_suggestion_is_read_tidily() -> None:
    suggestion, form = forms.read_suggestion({
        "title": "  Measuring   the value\nof a community ", "description": "Why?\r\nBecause.",
        "email": " Ada@Example.com", "website": ""})

    assert form.errors == {}
    assert suggestion == forms.TopicSuggestion(
        title="Measuring the value of a community", description="Why?\nBecause.",
        email="ada@example.com", by_robot=False)


def test_a_suggestion_names_each_bad_field() -> None:
    suggestion, form = forms.read_suggestion({"title": "x" * 121, "email": "ada", "extra": "1"})

    assert suggestion is None
    assert form.errors["title"] == "Keep the topic to 120 characters or fewer."
    assert form.errors["email"] == "Enter an email address like name@example.com."
    assert "'extra' is not a field here" in form.errors["extra"]


def test_a_missing_title_says_what_to_enter() -> None:
    _, form = forms.read_suggestion({"email": "ada@example.com"})

    assert form.errors == {"title": "Enter the topic."}


def test_a_vote_needs_an_email_and_notices_a_filled_honeypot() -> None:
    missing, form = forms.read_vote({})
    robot, _ = forms.read_vote({"email": "bot@example.com", "website": "http://spam"})

    assert missing is None and form.errors == {"email": "Enter your email address."}
    assert robot is not None and robot.by_robot
