"""Needs, as people write them, sorted under the headings the day is planned by."""

from __future__ import annotations

import pytest

from chalicelib.registration import needs


@pytest.mark.parametrize(("written", "kinds"), [
    ("Vegan please", ["dietary"]),
    ("Wheelchair user; step-free access", ["access"]),
    ("A quiet room to rest after lunch", ["quiet"]),
    ("Gluten-free, and a seat near the door", ["dietary", "access"]),
    ("I may be a minute late", ["other"]),
])
def test_a_need_falls_under_the_headings_its_words_name(written: str, kinds: list[str]) -> None:
    assert needs.kinds_of(written) == kinds


def test_only_confirmed_people_with_a_real_need_are_planned_for() -> None:
    summary = needs.summarise([
        {"email": "a@example.org", "name": "Ada", "status": "confirmed", "needs": "Vegan; step-free access"},
        {"email": "b@example.org", "name": "Bea", "status": "waitlisted", "needs": "Vegetarian"},
        {"email": "c@example.org", "name": "Cy", "status": "confirmed", "needs": "None"},
        {"email": "d@example.org", "name": "Di", "status": "confirmed"},
    ])

    assert summary.people == 1
    assert [p["name"] for p in summary.kinds["dietary"]] == ["Ada"]
    assert [p["name"] for p in summary.kinds["access"]] == ["Ada"]
    assert summary.kinds["quiet"] == summary.kinds["other"] == []
