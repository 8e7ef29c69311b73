"""A poll's results as the report shows them: a bar per option (or per rating value) with its
share as a whole percentage and its count, the headline sentences, and text bars for the plain
part. Polls answered by fewer than the report's minimum are withheld, never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.polls import results

DEFAULT_MIN_ANSWERS = 5
# The widest bar leaves room beside it for its number, even at 390 px.
_MAX_BAR_PERCENT = 75
_TEXT_BAR_CELLS = 20
_TEXT_BAR, _TEXT_TRACK = "\N{FULL BLOCK}", "\N{LIGHT SHADE}"


def poll_chart(found: Mapping[str, Any], min_answers: int = DEFAULT_MIN_ANSWERS) -> dict[str, Any]:
    """What the report shows of one poll, from `polls.poll_results`: its bars and headline
    sentences, or only that it was withheld when fewer than `min_answers` people answered."""
    total = int(found.get("total", 0))
    chart: dict[str, Any] = {"question": found["question"], "kind": found["kind"], "total": total}
    if total < min_answers:
        chart["withheld"] = f"Not published: fewer than {min_answers} answers."
        return chart
    counts: Mapping[str, Any] = found.get("counts", {})
    chart["bars"] = [_bar(str(label), int(count), total) for label, count in counts.items()]
    chart["headlines"] = _headlines(found, total)
    return chart


def _bar(label: str, count: int, total: int) -> dict[str, Any]:
    share = results.whole_percent(count, total)
    width = round(share * _MAX_BAR_PERCENT / 100)
    cells = round(share * _TEXT_BAR_CELLS / 100)
    return {"label": label, "count": count, "percent": share,
            # A bar for any answer at all, however small its share, so "1 person" is visible.
            "width": max(width, 1) if count else 0,
            "text_bar": (_TEXT_BAR * max(cells, 1 if count else 0)).ljust(_TEXT_BAR_CELLS, _TEXT_TRACK)}


def _headlines(found: Mapping[str, Any], total: int) -> list[str]:
    summary: list[str] = list(found.get("summary", []))
    if found["kind"] == results.RATING:
        # "11 people answered.", "Average rating 5.7, median 6.", "64% rated 6 or lower."
        return summary
    # Choice polls: the count and the leading option; the chart gives the rest.
    return summary[:2] if total else summary
