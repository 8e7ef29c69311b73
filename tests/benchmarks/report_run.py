"""A report run to N consenting registrants through the local stack, and the worker's memory.

moto runs single-threaded in a child process (as `clubflow dev` serves it), so this process is the
worker alone: it seeds N confirmed, consenting registrants straight into the table (BatchWriteItem,
25 at a time), starts a run through the organiser API, and drives the event pump until the run is
done. It prints the run's counts, the wall time of the run, and this process's peak memory
during it: Python allocations (tracemalloc) and resident set size (ru_maxrss).

    python tests/benchmarks/report_run.py                 # N=1,000 and N=10,000, one process each
    python tests/benchmarks/report_run.py --people 2000   # one size

Goal: the run completes, and peak memory does not grow with N.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "functions"), str(REPO)]
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_LOG_LEVEL="ERROR",
    TABLE_NAME="unset",
    MAIL_FROM="CofEe Club <club@example.com>",
    PUBLIC_BASE_URL="http://bench",
)
REGION = "eu-west-2"
SIZES = (1_000, 10_000)
EVENT = {
    "title": "Communities of Practice", "number": 48,
    "starts_at": "2030-03-09T10:00:00+00:00", "ends_at": "2030-03-09T16:00:00+00:00",
    "timezone": "Europe/London", "venue": "Close Brothers, 10 Crown Place, London",
    "host": "Close Brothers", "capacity": 500,  # seeded people go straight into the table
}
SECTIONS = [{"title": "Conclusions", "markdown": "Communities need **time**, a *purpose* and a host.\n\n"
                                                 "- Centres of Excellence\n- Professions\n- Communities of Practice"}]
MOTO_CHILD = """
import sys, threading
from clubflow.dev.stack import MotoServer
server = MotoServer()
server.start()
print(server.url, flush=True)
sys.stdin.read()  # until the parent closes it
server.stop()
"""


def start_moto() -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen([sys.executable, "-c", MOTO_CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path[:2])})
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def seed(event_id: str, people: int) -> None:
    """N confirmed registrants who consented to the report, written 25 to a request."""
    from chalicelib.core import aws, keys, store
    from chalicelib.core.settings import get_settings

    table = get_settings().table_name
    for start in range(0, people, 25):
        requests = []
        for i in range(start, min(start + 25, people)):
            email = f"person{i:05d}@example.com"
            item = {**keys.registration(event_id, email), **keys.person_registration(email, event_id),
                    "event_id": event_id, "registration_id": f"{i:016x}", "email": email,
                    "name": f"Person {i}", "organisation": "Bench Ltd", "consent_report": True,
                    "consent_updates": False, "status": "confirmed", "attended": False,
                    "registered_at": "2030-02-01T09:00:00+00:00"}
            requests.append({"PutRequest": {"Item": store.to_dynamo(item)}})
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = aws.dynamodb().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def run(people: int) -> dict[str, Any]:
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("moto").setLevel(logging.ERROR)
    moto, moto_url = start_moto()
    try:
        from chalice.test import Client

        from app import app
        from chalicelib.core import aws
        from chalicelib.core.auth import add_organiser
        from clubflow.dev import resources
        from clubflow.dev.pump import Pump
        from clubflow.dev.stack import use_local_aws

        use_local_aws(moto_url, REGION)
        deployed = resources.deploy(stack_name="clubflow-bench", region=REGION)
        os.environ.update(deployed.environment)
        use_local_aws(moto_url, REGION)  # forget clients and settings made before the environment
        aws.sesv2().create_email_identity(EmailIdentity="example.com")
        key, _ = add_organiser("bench@example.com")
        admin = {"Content-Type": "application/json", "Accept": "application/json",
                 "Authorization": f"Bearer {key}"}
        pump = Pump(app, deployed)
        with Client(app) as client:
            event_id = client.http.post("/admin/events", headers=admin, body=json.dumps(EVENT)).json_body["event_id"]
            client.http.put(f"/admin/events/{event_id}/report", headers=admin,
                            body=json.dumps({"sections": SECTIONS}))
            pump.drain()
            seed(event_id, people)

            tracemalloc.start()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            response = client.http.post(f"/admin/events/{event_id}/report-runs", headers=admin, body="{}")
            run_id = response.json_body["run_id"]
            pump.drain()
            wall = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            status = client.http.get(f"/admin/report-runs/{run_id}", headers=admin).json_body
        return {"people": people, "status": status, "wall": wall, "peak": peak,
                "rss_before": rss_before, "rss_after": rss_after}
    finally:
        assert moto.stdin is not None
        moto.stdin.close()
        moto.wait(timeout=30)


def one(people: int) -> None:
    with contextlib.redirect_stdout(io.StringIO()):  # the functions' metric lines
        result = run(people)
    print(json.dumps(result))


def report(result: dict[str, Any]) -> str:
    status = result["status"]
    return (f"N={result['people']:>6,}: {status['status']}, recipients {status['recipients']:,}, "
            f"sent {status['sent']:,}, skipped {status['skipped']:,}, failed {status['failed']:,}; "
            f"wall {result['wall']:.1f} s ({result['wall'] / max(1, status['sent']) * 1000:.1f} ms/email); "
            f"peak Python allocations {result['peak'] / 2**20:.1f} MiB; "
            f"peak RSS {result['rss_before'] / 1024:.0f} -> {result['rss_after'] / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, help="one size only (default: 1,000 and 10,000)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.people and args.json:
        one(args.people)
        return
    print("Report run through the local stack (moto single-threaded in a child process; "
          "this process is the worker)")
    for people in ([args.people] if args.people else SIZES):
        # One process per size, so each peak is that run's own.
        child = subprocess.run([sys.executable, __file__, "--people", str(people), "--json"],
                               capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(f"N={people}: failed\n{child.stderr[-3000:]}")
            continue
        print(report(json.loads(child.stdout.strip().splitlines()[-1])))


if __name__ == "__main__":
    main()
