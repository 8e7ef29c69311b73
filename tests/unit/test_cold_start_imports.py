"""The API function imports every worker module (Chalice wires them in app.py) but runs none, so
importing the app must not load what only a consumer needs (functions/clubflow/bench/cold_init.py
measures the time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
WORKER_ONLY = (
    "icalendar",  # calendar invites, built by the registration mail worker
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.utilities.idempotency",
    # Not worker-only, but loaded on the first keyed hash (core/hashing), not at import.
    "aws_lambda_powertools.utilities.parameters",
)


def test_importing_the_app_loads_no_worker_only_library() -> None:
    probe = f"import json, sys, app; print(json.dumps([m for m in {WORKER_ONLY!r} if m in sys.modules]))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=FUNCTIONS, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(FUNCTIONS), "AWS_DEFAULT_REGION": "eu-west-2"},
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout) == []
