"""Poll results from counts alone: the figures a report prints, without AWS."""

from __future__ import annotations

import pytest

from chalicelib.polls import results

RATING = {"kind": "rating", "scale": {"min": 1, "max": 10}}
ENTITY = {"kind": "single", "options": ["Communities of Practice", "Profession", "Centres of Excellence"]}
TOPICS = {"kind": "multiple", "options": ["Ownership", "Membership", "Recognition"]}
# Eleven ratings like the seed's third poll: seven of them 6 or lower.
SEED_RATINGS = {"3": 1, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2}


def test_eleven_ratings_with_seven_at_six_or_lower_read_64_percent() -> None:
    tally = results.tally(RATING, SEED_RATINGS, 11)

    assert tally["total"] == 11
    assert tally["at_or_below"]["6"] == 63.6
    assert tally["at_or_below"]["5"] == 45.5
    assert tally["at_or_below"]["10"] == 100.0
    assert tally["median"] == 6.0
    assert tally["mean"] == 5.7  # 63 / 11
    assert tally["counts"]["1"] == 0 and tally["counts"]["8"] == 2
    assert tally["percent"]["4"] == 18.2
    assert "64% rated 6 or lower." in results.headlines(RATING, SEED_RATINGS, 11)


@pytest.mark.parametrize("histogram, expected", [
    ({6: 1}, 6.0),
    ({5: 3}, 5.0),
    ({4: 1, 7: 1}, 5.5),  # even: the mean of the two middle votes
    ({2: 2, 9: 2}, 5.5),
    ({1: 1, 2: 0, 3: 1, 10: 1}, 3.0),  # values nobody chose do not count
    ({1: 5, 10: 6}, 10.0),
    ({1: 6, 10: 6}, 5.5),
])
def test_median_from_a_histogram(histogram: dict[int, int], expected: float) -> None:
    assert results.median(histogram) == expected


def test_no_votes_give_zeros_and_no_mean_or_median() -> None:
    tally = results.tally(RATING, {}, 0)

    assert tally["total"] == 0 and tally["mean"] is None and tally["median"] is None
    assert set(tally["percent"].values()) == {0.0}
    assert results.headlines(RATING, {}, 0) == ["Nobody has answered yet."]


def test_single_choice_gives_percentages_of_votes_keyed_by_option() -> None:
    tally = results.tally(ENTITY, {"0": 9, "1": 4, "2": 0}, 13)

    assert tally["counts"] == {"Communities of Practice": 9, "Profession": 4, "Centres of Excellence": 0}
    assert tally["percent"] == {"Communities of Practice": 69.2, "Profession": 30.8, "Centres of Excellence": 0.0}
    assert results.headlines(ENTITY, {"0": 9, "1": 4, "2": 0}, 13)[1:] == [
        "69% chose Communities of Practice.", "31% chose Profession.", "0% chose Centres of Excellence."]


def test_multiple_choice_gives_percentages_of_respondents_that_may_pass_100() -> None:
    tally = results.tally(TOPICS, {"0": 4, "1": 3, "2": 1}, 4)

    assert tally["percent"] == {"Ownership": 100.0, "Membership": 75.0, "Recognition": 25.0}
    assert sum(tally["percent"].values()) > 100


def test_halves_round_up_and_whole_figures_round_from_the_exact_share() -> None:
    assert results.percent(1, 8) == 12.5
    assert results.whole_percent(1, 8) == 13  # not banker's 12
    assert results.whole_percent(1289, 2000) == 64  # 64.45%: not 64.5 rounded again to 65
    assert results.percent(2, 3) == 66.7


def test_headline_names_the_value_most_people_rated_at_or_below() -> None:
    assert results.most_at_or_below({1: 2, 2: 0, 3: 1}, 1, 3) == (1, 67)
    assert results.most_at_or_below({9: 3, 10: 1}, 1, 10) == (9, 75)
    assert results.most_at_or_below({}, 1, 10) is None
    # Everybody at the top of the scale: "100% rated 10 or lower" says nothing, so it is left out.
    assert not any("or lower" in line for line in results.headlines(RATING, {"10": 3}, 3))
