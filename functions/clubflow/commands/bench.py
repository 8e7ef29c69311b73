"""`clubflow bench`: every benchmark in one command, each figure a ratio to its floor."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from clubflow.cli import CommandError

# Each module's `measure(quick)` returns its figures; the first key is its headline ratio.
FIGURES = (
    "clubflow.bench.txn_cost",
)


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
        measured = importlib.import_module(name).measure(args.quick)
        figures.update(measured)
        if not args.json:
            print(f"{name.rpartition('.')[2]} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
            for key, value in measured.items():
                print(f"  {key:<34} {value}")
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0
