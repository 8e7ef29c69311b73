"""Cold init of the API Lambda, as a ratio to the floor, measured in the same run.

Floor: a fresh Python process that imports boto3 and creates one DynamoDB client (what any Python
Lambda touching the table pays). Candidate: a fresh process that imports functions/app.py, which
is what Lambda does at cold start. Median of N runs each, interleaved so that machine load affects
both alike. Goal: at most 1.1x.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from clubflow.dev.template import REPO_ROOT

FUNCTIONS = REPO_ROOT / "functions"
FLOOR = "import boto3; boto3.client('dynamodb', region_name='eu-west-2')"
APP = "import app"


def _once(code: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(FUNCTIONS), "AWS_DEFAULT_REGION": "eu-west-2",
           "TABLE_NAME": "clubflow-bench"}
    # The deployed zip carries bytecode (clubflow.package), so Lambda never compiles our modules;
    # with PYTHONDONTWRITEBYTECODE set (as on some machines) every run would compile them all
    # and the app would pay ~100 ms the floor's already-compiled boto3 does not.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=FUNCTIONS)
    return time.perf_counter() - started


def measure(quick: bool) -> dict[str, object]:
    runs = 3 if quick else 9
    _once(FLOOR), _once(APP)  # warm the filesystem cache and write the .pyc files for both
    floor, app = [], []
    for _ in range(runs):
        floor.append(_once(FLOOR))
        app.append(_once(APP))
    floor_ms, app_ms = statistics.median(floor) * 1000, statistics.median(app) * 1000
    return {"cold_init_ratio": round(app_ms / floor_ms, 2), "cold_init_ms": round(app_ms),
            "cold_init_floor_ms": round(floor_ms)}
