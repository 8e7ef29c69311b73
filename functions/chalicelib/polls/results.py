"""Poll results from running counts alone: percentages, the mean, the median and "at or below"
shares of a rating, computed from counts per option or value, never from the votes themselves.

The API gives percentages to one decimal place; people read them as whole numbers
("64% rated 6 or lower"), each rounded from the exact share, not from the one-decimal figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

SINGLE = "single"
MULTIPLE = "multiple"
RATING = "rating"


def _rounded(value: Fraction, places: int) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent(part: int, whole: int) -> float:
    """`part` of `whole` as a percentage to one decimal place (0.0 when nobody answered)."""
    return _rounded(Fraction(100 * part, whole), 1) if whole else 0.0


def whole_percent(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percentage, as a report shows it."""
    return int(_rounded(Fraction(100 * part, whole), 0)) if whole else 0


def mean(histogram: Mapping[int, int]) -> float | None:
    """The mean rating to one decimal place, from counts per value; None without votes."""
    votes = sum(histogram.values())
    if not votes:
        return None
    return _rounded(Fraction(sum(value * n for value, n in histogram.items()), votes), 1)


def median(histogram: Mapping[int, int]) -> float | None:
    """The median rating from counts per value: the middle vote, or the mean of the two middle
    votes when their number is even; None without votes."""
    votes = sum(histogram.values())
    if not votes:
        return None
    lower, upper = _value_at(histogram, (votes + 1) // 2), _value_at(histogram, votes // 2 + 1)
    return (lower + upper) / 2


def _value_at(histogram: Mapping[int, int], position: int) -> int:
    """The value of the vote at `position` (from 1) when the votes are sorted by value."""
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= position:
            return value
    raise ValueError(f"there are only {seen} votes")


def at_or_below(histogram: Mapping[int, int], low: int, high: int) -> dict[int, float]:
    """For each value of the scale, the percentage of votes at or below it."""
    votes = sum(histogram.values())
    shares: dict[int, float] = {}
    running = 0
    for value in range(low, high + 1):
        running += histogram.get(value, 0)
        shares[value] = percent(running, votes)
    return shares


def most_at_or_below(histogram: Mapping[int, int], low: int, high: int) -> tuple[int, int] | None:
    """The lowest value that more than half the votes are at or below, with that share as a
    whole percentage: (6, 64) reads "64% rated 6 or lower". None without votes."""
    votes = sum(histogram.values())
    if not votes:
        return None
    running = 0
    for value in range(low, high + 1):
        running += histogram.get(value, 0)
        if 2 * running > votes:
            return value, whole_percent(running, votes)
    return None  # unreachable: every vote is within the scale


def tally(poll: Mapping[str, Any], counts: Mapping[str, int], respondents: int) -> dict[str, Any]:
    """The results of one poll as the API gives them.

    `counts` are the stored counters: per option position for choice polls, per value for
    ratings. Single choice and ratings give percentages of votes; multiple choice gives
    percentages of respondents (so they may add up to more than 100).
    """
    kind = poll["kind"]
    if kind == RATING:
        low, high = int(poll["scale"]["min"]), int(poll["scale"]["max"])
        histogram = {value: int(counts.get(str(value), 0)) for value in range(low, high + 1)}
        return {
            "total": respondents,
            "counts": {str(value): n for value, n in histogram.items()},
            "percent": {str(value): percent(n, respondents) for value, n in histogram.items()},
            "mean": mean(histogram),
            "median": median(histogram),
            "at_or_below": {str(value): share for value, share in at_or_below(histogram, low, high).items()},
        }
    options = list(poll["options"])
    by_option = {option: int(counts.get(str(position), 0)) for position, option in enumerate(options)}
    return {
        "total": respondents,
        "counts": by_option,
        "percent": {option: percent(n, respondents) for option, n in by_option.items()},
    }


def headlines(poll: Mapping[str, Any], counts: Mapping[str, int], respondents: int) -> list[str]:
    """The results in sentences with whole percentages, as a report or an organiser reads them."""
    if not respondents:
        return ["Nobody has answered yet."]
    people = f"{respondents} {'person' if respondents == 1 else 'people'} answered."
    if poll["kind"] == RATING:
        low, high = int(poll["scale"]["min"]), int(poll["scale"]["max"])
        histogram = {value: int(counts.get(str(value), 0)) for value in range(low, high + 1)}
        lines = [people, f"Average rating {mean(histogram)}, median {_plain(median(histogram))}."]
        split = most_at_or_below(histogram, low, high)
        if split is not None and split[0] < high:
            lines.append(f"{split[1]}% rated {split[0]} or lower.")
        return lines
    verb = "chose" if poll["kind"] == SINGLE else "included"
    ranked = sorted(enumerate(poll["options"]), key=lambda item: (-int(counts.get(str(item[0]), 0)), item[0]))
    return [people] + [
        f"{whole_percent(int(counts.get(str(position), 0)), respondents)}% {verb} {option}."
        for position, option in ranked
    ]


def _plain(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if value == int(value) else str(value)
