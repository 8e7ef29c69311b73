"""`clubflow openapi`: regenerate the OpenAPI document of the HTTP API from the code."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clubflow import openapi


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "openapi",
        help="write the OpenAPI document of the HTTP API",
        description="Generate the OpenAPI 3.1 document from the Chalice routes and clubflow/contract.py.",
    )
    parser.add_argument("--out", type=Path, default=openapi.DOCUMENT, metavar="FILE",
                        help="where to write it (default: stacks/openapi.json)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = openapi.write(args.out)
    print(f"wrote {path}")
    return 0
