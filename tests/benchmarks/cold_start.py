"""Cold init of the API Lambda, as a ratio to the floor, measured in the same run.

Floor: a fresh Python process that imports boto3 and creates one DynamoDB client (what any
Python Lambda touching the table pays). Candidate: a fresh process that imports functions/app.py,
which is what Lambda does at cold start. Median of N runs each, interleaved so that machine
load affects both alike.

    python tests/benchmarks/cold_start.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FUNCTIONS = REPO / "functions"

FLOOR = "import boto3; boto3.client('dynamodb', region_name='eu-west-2')"
APP = "import app"


def _once(code: str) -> float:
    env = {
        **os.environ,
        "PYTHONPATH": str(FUNCTIONS),
        "AWS_DEFAULT_REGION": "eu-west-2",
        "TABLE_NAME": "clubflow-bench",
        "PYTHONDONTWRITEBYTECODE": "0",
    }
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=FUNCTIONS)
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, float]:
    _once(FLOOR), _once(APP)  # warm the filesystem cache and .pyc files for both
    floor, app = [], []
    for _ in range(runs):
        floor.append(_once(FLOOR))
        app.append(_once(APP))
    return {"floor": statistics.median(floor), "app": statistics.median(app)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    result = measure(args.runs)
    ratio = result["app"] / result["floor"]
    print(f"floor (import boto3 + DynamoDB client): {result['floor'] * 1000:.0f} ms (median of {args.runs})")
    print(f"API Lambda cold init (import app.py):    {result['app'] * 1000:.0f} ms (median of {args.runs})")
    print(f"ratio: {ratio:.2f}x (goal <= 1.30x)")


if __name__ == "__main__":
    main()
