"""Reading new polls and attendees' answers: each bad field named, with what to do."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.polls import forms

SINGLE: dict[str, Any] = {"poll_id": "a1", "kind": "single", "options": ["Communities of Practice", "Profession"]}
MULTIPLE: dict[str, Any] = {"poll_id": "b2", "kind": "multiple", "options": ["Ownership", "Membership", "Recognition"]}
RATING: dict[str, Any] = {"poll_id": "c3", "kind": "rating", "scale": {"min": 1, "max": 10}}
POLLS = [SINGLE, MULTIPLE, RATING]


def test_a_rating_without_a_scale_is_one_to_ten() -> None:
    poll, errors = forms.read_new_poll({"question": "How was it?", "kind": "rating"})

    assert errors == {}
    assert poll is not None and poll.scale is not None
    assert poll.scale.as_dict() == {"min": 1, "max": 10}


def test_options_are_tidied_and_kept_in_order() -> None:
    poll, errors = forms.read_new_poll({"question": "  Which?  ", "kind": "multiple",
                                        "options": [" Profession ", "Communities  of Practice"]})

    assert errors == {}
    assert poll is not None
    assert poll.question == "Which?"
    assert poll.options == ("Profession", "Communities of Practice")


@pytest.mark.parametrize("data, field, words", [
    ({"kind": "single", "options": ["A", "B"]}, "question", "Enter the question"),
    ({"question": "Q" * 301, "kind": "single", "options": ["A", "B"]}, "question", "300 characters"),
    ({"question": "Q", "kind": "ranking", "options": ["A", "B"]}, "kind", "single, multiple, rating"),
    ({"question": "Q", "kind": "single", "options": ["A"]}, "options", "between 2 and 12"),
    ({"question": "Q", "kind": "single", "options": "A"}, "options", "between 2 and 12"),
    ({"question": "Q", "kind": "single"}, "options", "between 2 and 12"),
    ({"question": "Q", "kind": "multiple", "options": [str(n) for n in range(13)]}, "options", "this poll has 13"),
    ({"question": "Q", "kind": "single", "options": ["Yes", "yes "]}, "options", "different"),
    ({"question": "Q", "kind": "single", "options": ["Yes", " "]}, "options", "empty option"),
    ({"question": "Q", "kind": "single", "options": ["Yes", 2]}, "options", "as text"),
    ({"question": "Q", "kind": "single", "options": ["A", "B"], "scale": {"min": 1}}, "scale", "Only a rating"),
    ({"question": "Q", "kind": "rating", "options": ["A", "B"]}, "options", "not options"),
    ({"question": "Q", "kind": "rating", "scale": {"min": 5, "max": 5}}, "scale", "lower than its max"),
    ({"question": "Q", "kind": "rating", "scale": {"min": 0, "max": 21}}, "scale", "at most 20 steps"),
    ({"question": "Q", "kind": "rating", "scale": {"min": "1", "max": 10}}, "scale", "whole numbers"),
    ({"question": "Q", "kind": "rating", "scale": {"min": True, "max": 10}}, "scale", "whole numbers"),
    ({"question": "Q", "kind": "rating", "scale": [1, 10]}, "scale", '{"min": 1, "max": 10}'),
    ({"question": "Q", "kind": "rating", "scale": {"min": 1, "max": 10, "step": 2}}, "scale", "remove step"),
    ({"question": "Q", "kind": "rating", "scale": {"min_label": "x" * 41}}, "scale", "40 characters"),
    ({"question": "Q", "kind": "single", "options": ["A", "B"], "colour": "red"}, "colour", "not a field"),
])
def test_refused_polls_name_the_field_and_say_what_to_do(data: dict[str, Any], field: str,
                                                         words: str) -> None:
    poll, errors = forms.read_new_poll(data)

    assert poll is None
    assert words in errors[field]


def test_json_ballot_reads_each_kind_of_answer() -> None:
    ballot = forms.read_ballot({"answers": {"a1": "Profession", "b2": ["Recognition", "Ownership"], "c3": 6}},
                               POLLS, as_json=True)

    assert ballot.errors == {}
    # Multiple choices are kept in the poll's own order.
    assert ballot.answers == {"a1": "Profession", "b2": ["Ownership", "Recognition"], "c3": 6}


def test_form_ballot_reads_fields_and_skips_polls_left_blank() -> None:
    ballot = forms.read_ballot({"poll_a1": "", "poll_b2": "Membership", "poll_c3": "10"}, POLLS, as_json=False)

    assert ballot.errors == {}
    assert ballot.answers == {"b2": ["Membership"], "c3": 10}


@pytest.mark.parametrize("answers, field, words", [
    ({"a1": "Centres of Excellence"}, "poll_a1", "Choose one of the answers listed"),
    ({"a1": ["Profession"]}, "poll_a1", "Choose one of the answers listed"),
    ({"b2": []}, "poll_b2", "one or more"),
    ({"b2": ["Ownership", "Fun"]}, "poll_b2", "only from the answers listed"),
    ({"c3": 11}, "poll_c3", "from 1 to 10"),
    ({"c3": 0}, "poll_c3", "from 1 to 10"),
    ({"c3": 6.5}, "poll_c3", "from 1 to 10"),
    ({"c3": True}, "poll_c3", "from 1 to 10"),
    ({"zz": "Profession"}, "poll_zz", "no such poll"),
    ({}, "answers", "at least one poll"),
])
def test_invalid_answers_name_the_poll_field(answers: dict[str, Any], field: str, words: str) -> None:
    ballot = forms.read_ballot({"answers": answers}, POLLS, as_json=True)

    assert words in ballot.errors[field]


def test_json_ballot_needs_its_answers_object() -> None:
    ballot = forms.read_ballot({"answer": {"a1": "Profession"}}, POLLS, as_json=True)

    assert set(ballot.errors) == {"answer", "answers"}
