"""Schemathesis holds a running local stack to stacks/openapi.json: no 5xx, no answer off its schema.

Every operation is fuzzed twice, with the organiser key and without one, through all of
Schemathesis' phases, stateful included: the document's links feed a created event's id to its
pages and a created poll's id to its results. Rate limits are off so the fuzzer is not
throttled. The run is bounded by examples per operation (CLUBFLOW_FUZZ_EXAMPLES) and seeded
(CLUBFLOW_FUZZ_SEED) so a failure can be replayed, and each run stops at its time budget
(CLUBFLOW_FUZZ_SECONDS for the organiser's); the number of cases is printed.
"""

from __future__ import annotations

import fnmatch
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clubflow import openapi
from tests.e2e.conftest import DevProcess, LocalStack

EXAMPLES = int(os.environ.get("CLUBFLOW_FUZZ_EXAMPLES", "3"))
SEED = os.environ.get("CLUBFLOW_FUZZ_SEED", "48")
# Each run's time budget (Schemathesis stops there; fuzzing and stateful use what is left):
# the local stack's single moto thread sets the pace, and it varies with the machine's load.
SECONDS = int(os.environ.get("CLUBFLOW_FUZZ_SECONDS", "120"))
ANONYMOUS_SECONDS = 45
# Not a server error, and every answer as documented: its status, its media type, its schema.
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

# Failures to tolerate while a fix is under way, by Schemathesis code and operation (a glob), each
# with its reason. Empty: every finding fails the run.
KNOWN: dict[tuple[str, str], str] = {}


def known(code: str, operation: str) -> str | None:
    return next((why for (known_code, pattern), why in KNOWN.items()
                 if known_code == code and fnmatch.fnmatchcase(operation, pattern)), None)


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """A stack of its own: the fuzzer fills it with odd data, and needs rate limits off."""
    workdir = tmp_path_factory.mktemp("fuzzed-stack")
    key = "cfk_fuzz_" + secrets.token_urlsafe(24)
    dev = DevProcess(workdir, "--demo", CLUBFLOW_DEV_ORGANISER_KEY=key, CLUBFLOW_RATE_LIMITS="off")
    try:
        yield LocalStack(dev.wait_until_up(), workdir)
    finally:
        dev.interrupt()


def schemathesis(stack: LocalStack, report_dir: Path, *, key: str | None) -> dict[str, Any]:
    """One `st run`, its JSON report. Without a key only the organiser routes are tried, through
    the coverage phase: the public ones answer the same either way, and each organiser route
    answers 401 before it reads anything."""
    budget = SECONDS if key else ANONYMOUS_SECONDS
    command = [
        str(Path(sys.executable).with_name("st")), "--no-color", "run", str(openapi.DOCUMENT),
        "--url", stack.url, "--checks", CHECKS, "--max-examples", str(EXAMPLES), "--seed", SEED,
        "--phases", "examples,coverage,fuzzing,stateful" if key else "coverage", "--max-redirects", "0",
        "--request-timeout", "30", "--continue-on-failure", "--max-time", str(budget),
        "--report", "json", "--report-dir", str(report_dir),
    ]
    if key:
        command += ["--header", f"Authorization: Bearer {key}"]
    else:
        command += ["--include-path-regex", "^/admin/"]
    # Run in the report folder: Schemathesis keeps a cache of past crashes where it runs.
    done = subprocess.run(command, cwd=report_dir, capture_output=True, text=True, timeout=budget + 120,
                          check=False)
    reports = sorted(report_dir.glob("*.json"))
    assert reports, f"Schemathesis wrote no report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    report = dict(json.loads(reports[-1].read_text()))
    report["output"] = done.stdout
    return report


def findings(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(failure["code"], operation): failure["title"]
            for failure in report["failures"] for operation in failure["operations"]}


@pytest.mark.parametrize("caller", ["organiser", "anonymous"])
def test_every_operation_holds_to_the_document(fuzzed_stack: LocalStack, tmp_path: Path, caller: str) -> None:
    report = schemathesis(fuzzed_stack, tmp_path, key=fuzzed_stack.key if caller == "organiser" else None)

    cases = report["test_cases"]
    print(f"\nSchemathesis ({caller}): {cases['generated']} cases over "
          f"{report['operations']['tested']} operations in {report['running_time']:.0f} s")
    found = findings(report)
    for (code, operation), title in sorted(found.items()):
        why = known(code, operation)
        print(f"  {code} {title}: {operation}" + (f"  (known: {why})" if why else ""))
    assert report["operations"]["tested"] == report["operations"]["selected"] > 0
    assert not report["errors"], (f"{json.dumps(report['errors'], indent=1)[:2000]}\n"
                                  f"Schemathesis said:\n{report['output'][-20000:]}")
    new = sorted(pair for pair in found if known(*pair) is None)
    assert not new, f"{len(new)} new failures; Schemathesis said:\n{report['output'][-20000:]}"
