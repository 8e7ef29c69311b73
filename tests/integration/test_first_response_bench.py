"""The first-response benchmark keeps working: every page it times answers as a browser expects
(a measured process that gets another status fails the run) and every figure is reported."""

from __future__ import annotations

import pytest

from clubflow.bench import first_response


def test_one_round_times_every_page_and_the_worker_against_the_floor() -> None:
    result = first_response.measure_runs(1)

    medians = result["medians_ms"]
    assert isinstance(medians, dict)
    assert set(medians) == {"floor", *first_response.PAGES, "worker_first_record"}
    assert all(value > 0 for value in medians.values())
    ratios = [result[f"{name}_ratio"] for name in first_response.PAGES]
    assert result["first_response_ratio"] == max(ratios)  # type: ignore[type-var]
    assert result["worker_first_record_ratio"] == pytest.approx(
        medians["worker_first_record"] / medians["floor"], rel=1e-3)
    assert "first_response_ratio (worst page)" in first_response.table(result)
