"""`clubflow package`: write the SAM template and Lambda zip that `sam deploy` ships."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clubflow import package
from clubflow.cli import CommandError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "package",
        help="build the SAM template and deployment zip for a stage",
        description="Run `chalice package` with stacks/app.yaml merged in, then check the zip. "
        "`sam deploy --config-env STAGE` deploys what this writes to build/STAGE.",
    )
    parser.add_argument("--stage", choices=package.STAGES, default="dev",
                        help="Chalice stage (default: dev)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output directory (default: build/STAGE, where samconfig.toml looks)")
    parser.add_argument("--runtime", choices=package.RUNTIMES, default=package.DEFAULT_RUNTIME,
                        help=f"the Lambda Python runtime (default: {package.DEFAULT_RUNTIME})")
    parser.add_argument("--architecture", choices=sorted(package.ARCHITECTURES), default=package.DEFAULT_ARCHITECTURE,
                        help=f"the Lambda architecture (default: {package.DEFAULT_ARCHITECTURE})")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="settings",
                        help="override one of the stage's environment variables of config.json "
                        "(e.g. PUBLIC_BASE_URL); repeat for more")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = {}
    for item in args.settings:
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise CommandError(f"--set takes NAME=VALUE, got {item!r}")
        settings[name] = value
    out_dir = args.out or package.default_out_dir(args.stage)
    print(f"packaging stage {args.stage} into {out_dir} ...", flush=True)
    print(package.summary(package.build(out_dir, stage=args.stage, settings=settings,
                                        runtime=args.runtime, architecture=args.architecture)))
    return 0
