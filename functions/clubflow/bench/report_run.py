"""A report run through the local stack: time per recipient against its floor, and the worker's
peak memory at 10,000 recipients against 1,000.

moto runs single-threaded in a child process, as `clubflow dev` serves it; a second child is the
worker (it seeds N consenting registrants straight into the table, starts a run through the
organiser API and drives the event pump until the run is done), so its peak memory is the run's
own. It runs twice, to as many people each time: the first run is traced for its peak memory,
the second is timed (tracemalloc would slow it, not the floor). The floor is what each recipient
needs at least, measured on the same server in the same process right after the timed run: one
conditional write and one SES send of an email the size of the report. Goals: per recipient at
most 2x the floor; memory flat in N (ratio near 1).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from clubflow.bench import stack

SIZES = (1_000, 10_000)
QUICK_SIZES = (10, 50)
FLOOR_SAMPLES = 200
SECTIONS = [{"title": "Conclusions", "markdown": "Communities need **time**, a *purpose* and a host.\n\n"
                                                 "- Centres of Excellence\n- Professions\n- Communities of Practice"}]


def measure(quick: bool) -> dict[str, object]:
    small, large = (_in_child(people) for people in (QUICK_SIZES if quick else SIZES))
    return {
        "report_floor_ratio": round(large["per_recipient_ms"] / large["floor_ms"], 2),
        "report_memory_ratio": round(large["peak"] / small["peak"], 2),
        "report_recipients": large["sent"],
        "report_ms_per_recipient": round(large["per_recipient_ms"], 1),
        "report_floor_ms": round(large["floor_ms"], 1),
        "report_peak_mib": [round(small["peak"] / 2**20, 1), round(large["peak"] / 2**20, 1)],
    }


def _in_child(people: int) -> dict[str, Any]:
    """One size in a process of its own, so that its peak is that run's."""
    done = subprocess.run([sys.executable, "-m", __name__, str(people)], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    if done.returncode != 0:
        raise RuntimeError(f"report run of {people} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(people: int) -> dict[str, Any]:
    """Two runs of `people` each on the same stack: the first under tracemalloc for the worker's
    peak memory, the second untimed by it for the time per recipient, then the floor. The tracer
    slows every allocation (at 1,000 recipients: 43-46 ms a recipient traced, 27 untraced, in
    the same minutes), and the floor was never traced."""
    with stack.moto_child() as moto_url, stack.silenced():
        deployment = stack.deploy(moto_url)
        from chalice.test import Client

        from app import app

        pump = stack.child_pump(app, deployment.deployed)
        with Client(app) as client:
            tracemalloc.start()
            _report_run(client, deployment, pump, people, first=0)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            run_id, wall = _report_run(client, deployment, pump, people, first=people)
        floor = _floor_ms(min(people, FLOOR_SAMPLES), _report_email(run_id))
    return {"sent": people, "per_recipient_ms": wall / people * 1000, "floor_ms": floor,
            "peak": peak, "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def _report_run(client: Any, deployment: stack.Deployment, pump: Any, people: int,
                first: int) -> tuple[str, float]:
    """A new event with `people` consenting registrants, written beforehand, and its report run
    to all of them; return the run and its seconds from the request until the pump is drained."""
    event_id = stack.create_event(client, deployment, capacity=500)
    client.http.put(f"/admin/events/{event_id}/report", headers=deployment.admin,
                    body=json.dumps({"sections": SECTIONS}))
    pump.drain()
    stack.seed_registrants(event_id, first, people)
    started = time.perf_counter()
    response = client.http.post(f"/admin/events/{event_id}/report-runs", headers=deployment.admin, body="{}")
    run_id = str(response.json_body["run_id"])
    pump.drain()
    wall = time.perf_counter() - started
    status = client.http.get(f"/admin/report-runs/{run_id}", headers=deployment.admin).json_body
    assert status["status"] == "done" and status["sent"] == people, status
    return run_id, wall


def _report_email(run_id: str) -> bytes:
    """The run's email as one recipient gets it (rendered once here, outside the floor's time)."""
    from markupsafe import Markup

    from chalicelib.core import mail
    from chalicelib.reports import content, runs

    run = runs.get_run(run_id)
    assert run is not None
    html, text = content.rendered(run["body_key"])
    link = "http://bench/u/" + "x" * 43
    return mail.build(mail.Email(
        to="floor@example.com", subject="Communities of Practice: the summary report", template="report",
        context={"body_html": Markup(html), "body_text": text, "title": "Communities of Practice",  # noqa: S704
                 "test": False, "web_url": "http://bench/reports/x", "unsubscribe_url": link},
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )).as_bytes()


def _floor_ms(samples: int, raw: bytes) -> float:
    """One conditional write and one SES send of the run's email per person, on the same server."""
    from chalicelib.core import aws, keys, store
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    times = []
    for i in range(samples):
        email = f"floor{i:05d}@example.com"
        started = time.perf_counter()
        aws.dynamodb().put_item(TableName=settings.table_name,
                                Item=store.to_dynamo({**keys.report_delivery("floor", email), "outcome": "sending"}),
                                ConditionExpression="attribute_not_exists(pk)")
        aws.sesv2().send_email(Destination={"ToAddresses": [email]}, Content={"Raw": {"Data": raw}},
                               ConfigurationSetName=settings.ses_configuration_set)
        times.append(time.perf_counter() - started)
    return statistics.fmean(times) * 1000


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]))))
