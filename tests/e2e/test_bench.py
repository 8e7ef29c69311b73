"""`clubflow bench --quick --json`: every figure is measured and printed (a smoke test: the times
are the benchmark's to report, not this test's to judge)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import child_environment

FIGURES = {"cold_init_ratio", "first_response_ratio", "ddb_requests_per_registration", "scans",
           "registration_rate_ratio", "txn_cost_ratio_10k", "report_floor_ratio", "report_memory_ratio", "zip_mb"}


def test_quick_bench_prints_every_figure_as_one_json_object(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "clubflow", "bench", "--quick", "--json"], cwd=tmp_path,
                          env=child_environment(), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert set(figures) >= FIGURES
    assert all(isinstance(figures[name], int | float) and figures[name] > 0
               for name in FIGURES - {"scans"})
    # Counts, not times: these hold on any machine
    assert figures["scans"] == 0
    assert figures["ddb_requests_per_registration"] <= 2
