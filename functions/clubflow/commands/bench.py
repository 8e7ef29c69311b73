"""`clubflow bench`: every benchmark in one command, each figure a ratio to its floor.

The figures are the modules of clubflow.bench named in FIGURES, each measuring one figure against
its floor in the same run; `make bench` runs them all, `--quick` in about a minute as a smoke test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from clubflow.cli import CommandError
from clubflow.dev.template import REPO_ROOT

FUNCTIONS = REPO_ROOT / "functions"

# Each module's `measure(quick)` returns its figures; the first key is its headline ratio.
FIGURES = (
    "clubflow.bench.cold_init",
    "clubflow.bench.first_response",
    "clubflow.bench.requests_per_action",
    "clubflow.bench.registration_rate",
    "clubflow.bench.txn_cost",
    "clubflow.bench.report_run",
    "clubflow.bench.zip_size",
)
# Each figure is measured in a process of its own: no module's clients, mocks or environment
# reach the next one, and each starts as cold as the last.
_ONE = "import json, sys; from {module} import measure; print(json.dumps(measure({quick})))"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure every benchmark, each against its floor in the same run",
        description=(
            "Run every benchmark: cold init, DynamoDB requests per action and Scans, registration "
            "rate over HTTP, transaction cost at 10,000 items, report rate and memory, zip size. "
            "Each figure is a ratio to its floor measured in the same run."
        ),
    )
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and few repeats (under a minute; a smoke test, not a gate)")
    parser.add_argument("--json", action="store_true", help="print one JSON object of every figure")
    parser.add_argument("--only", action="append", metavar="MODULE",
                        help="run only this benchmark module (e.g. txn_cost); repeatable")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    names = [name for name in FIGURES if not args.only or name.rpartition(".")[2] in args.only]
    if not names:
        raise CommandError(f"no benchmark named {', '.join(args.only)}; "
                           f"choose from {', '.join(n.rpartition('.')[2] for n in FIGURES)}")
    figures: dict[str, object] = {}
    for name in names:
        started = time.perf_counter()
        measured = _measure(name, args.quick)
        figures.update(measured)
        if not args.json:
            print(f"{name.rpartition('.')[2]} ({time.perf_counter() - started:.0f} s)")
            for key, value in measured.items():
                print(f"  {key:<32} {value}", flush=True)
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


def _measure(module: str, quick: bool) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _ONE.format(module=module, quick=quick)],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(FUNCTIONS), *sys.path])})
    if done.returncode != 0:
        raise CommandError(f"{module} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))
