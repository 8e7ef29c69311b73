"""The first response after a cold start, as a ratio to the floor, measured in the same run.

An attendee who opens a link after the function went cold waits for the whole first response,
not for the import. So every figure here is a fresh Python process, as Lambda starts one:

- floor: `import boto3`, one DynamoDB client and one GetItem (what any Python function that
  reads the table pays before it can answer anything);
- each page: import functions/app.py and answer one API Gateway event through the app, as
  Lambda calls it: GET /events/{event_id}, the registration form's POST, a slide link's page
  GET /s/{token} and a poll link's page GET /p/{token} (HTML, as a browser asks);
- the worker: import functions/app.py and handle its first record, a registration-mail SQS
  batch of one (the confirmation email with its calendar invite).

All of them talk to one moto server started here (single-threaded, as the local stack runs it)
holding the resources of stacks/app.yaml, an event, a poll and a slide file. Runs are
interleaved so that machine load touches every figure alike; each figure is a median. The
templates are compiled into a temporary directory as the package step compiles them into the
bundle, and the app reads them from there, as a deployed function does.

    python -m clubflow.bench.first_response [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
FUNCTIONS = REPO / "functions"
REGION = "eu-west-2"
GOAL = 1.3
PAGES = ("event_page", "registration_post", "slide_link_page", "poll_page")

# Each child reads its Lambda event from stdin; the floor reads (and ignores) one too, so both
# sides pay the same for it.
FLOOR = """\
import json, sys
key = json.loads(sys.stdin.read())
import boto3
boto3.client("dynamodb").get_item(TableName=key["table"], Key=key["key"])
"""

# Lambda imports the handler's module, then calls the handler with the event and a context.
CANDIDATE = """\
import json, sys
given = json.loads(sys.stdin.read())

class Context:
    function_name = "bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-2:000000000000:function:bench"
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 60000

import app
handler = app.app.handler_map[given["handler"]] if given["handler"] else app.app
result = handler(given["event"], Context()) or {}
if given["handler"]:
    wrong = result.get("batchItemFailures")
else:
    wrong = result.get("statusCode") != given["status"]
if wrong:
    sys.stderr.write(f"unexpected answer: {str(result)[:400]}\\n")
    sys.exit(3)
"""


def measure(quick: bool) -> dict[str, object]:
    """Time the floor, the four pages and the worker's first record; return the ratios.

    `first_response_ratio` is the worst of the four pages; `medians_ms` holds the raw medians
    (wall clock) and `cpu_medians_ms` the child processes' CPU time (user + system), whose
    ratios (`cpu_ratios`) move less when other work shares the machine.
    """
    # Quick keeps `clubflow bench --quick` within its minute: two measured rounds.
    return measure_runs(2 if quick else 9)


def measure_runs(runs: int) -> dict[str, object]:
    """measure() with `runs` measured rounds (after one unmeasured round that warms caches)."""
    with _moto_server() as moto_url, tempfile.TemporaryDirectory(prefix="clubflow-bench-") as tmp:
        env = _child_env(moto_url, Path(tmp))
        seeded = _seed(env, runs + 1)
        env.update(seeded["environment"])
        jobs = _jobs(seeded, runs + 1)
        wall: dict[str, list[float]] = {name: [] for name in jobs}
        cpu: dict[str, list[float]] = {name: [] for name in jobs}
        for round_ in range(runs + 1):
            for name, (code, stdins) in jobs.items():
                took, used = _once(code, stdins[round_], env)
                if round_:  # the first round warms the file cache and bytecode for all
                    wall[name].append(took)
                    cpu[name].append(used)
    medians = {name: statistics.median(times) for name, times in wall.items()}
    cpu_medians = {name: statistics.median(times) for name, times in cpu.items()}
    measured = (*PAGES, "worker_first_record")
    ratios = {name: medians[name] / medians["floor"] for name in measured}
    result: dict[str, object] = {
        "first_response_ratio": max(ratios[name] for name in PAGES),
        **{f"{name}_ratio": ratios[name] for name in PAGES},
        "worker_first_record_ratio": ratios["worker_first_record"],
        "medians_ms": {name: round(value * 1000, 1) for name, value in medians.items()},
        "cpu_medians_ms": {name: round(value * 1000, 1) for name, value in cpu_medians.items()},
        "cpu_ratios": {name: round(cpu_medians[name] / cpu_medians["floor"], 3) for name in measured},
        "runs": runs,
        "goal": GOAL,
    }
    return result


def _once(code: str, stdin: str, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], input=stdin, env=env, cwd=FUNCTIONS,
                          text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"a measured process failed:\n{done.stderr[-2000:]}")
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, used


@contextmanager
def _moto_server() -> Iterator[str]:
    import logging
    import warnings

    from clubflow.dev.stack import MotoServer

    # moto's CloudFormation says so for every resource type it skips: expected, and not ours.
    moto_log = logging.getLogger("moto")
    level = moto_log.level
    moto_log.setLevel(logging.ERROR)
    server = MotoServer()
    server.start()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Tried to parse", category=UserWarning)
            yield server.url
    finally:
        server.stop()
        moto_log.setLevel(level)


def _child_env(moto_url: str, tmp: Path) -> dict[str, str]:
    """What a deployed function sees, pointed at the moto server and nothing else."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AWS_", "POWERTOOLS_", "CLUBFLOW_", "PYTHON"))}
    stage = json.loads((FUNCTIONS / ".chalice" / "config.json").read_text())
    env.update(stage.get("environment_variables", {}))
    env.update(stage["stages"]["dev"].get("environment_variables", {}))
    env.update({
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        # Bytecode is written by the first (unmeasured) round, as the package step compiles
        # it into the bundle ahead of Lambda.
        "PYTHONPATH": str(FUNCTIONS),
    })
    env["COMPILED_TEMPLATES_DIR"] = str(_compiled_templates(tmp / "compiled_templates"))
    return env


def _compiled_templates(target: Path) -> Path:
    """templates/ compiled, and byte-compiled, as the package step does into the bundle."""
    import compileall

    from chalicelib.core.render import compile_templates

    compile_templates(REPO / "templates", target)
    compileall.compile_dir(target, quiet=2)
    return target


def _seed(env: dict[str, str], count: int) -> dict[str, Any]:
    """Deploy the stack into moto and seed it, in a process of its own (this one stays clean)."""
    done = subprocess.run(
        [sys.executable, "-c", "from clubflow.bench.first_response import _seed_here; _seed_here()",
         str(count)],
        env={**env, "PYTHONPATH": f"{FUNCTIONS}{os.pathsep}{REPO}", "POWERTOOLS_LOG_LEVEL": "ERROR",
             "PYTHONDONTWRITEBYTECODE": "0"},
        cwd=FUNCTIONS, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding the moto server failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _seed_here() -> None:
    """Child side of _seed: the stack's resources, an event with a poll and a slide file, a
    slide link and a poll link, and `count` confirmed registrations for the worker to mail."""
    import logging
    import warnings
    from email.utils import parseaddr

    from clubflow.dev import resources

    count = int(sys.argv[1])
    logging.getLogger("moto").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore")
        deployed = resources.deploy(stack_name="clubflow-bench", region=REGION)
    os.environ.update(deployed.environment)

    from chalicelib.core import aws, keys, store
    from chalicelib.core.settings import get_settings
    from chalicelib.events import forms as event_forms
    from chalicelib.events import service as events
    from chalicelib.polls import forms as poll_forms
    from chalicelib.polls import service as polls
    from chalicelib.registration import service as registrations
    from chalicelib.registration.forms import Registrant
    from chalicelib.slides import forms as slide_forms
    from chalicelib.slides import service as slides

    sender = parseaddr(get_settings().mail_from)[1]
    aws.sesv2().create_email_identity(EmailIdentity=sender.rpartition("@")[2])
    new_event, errors = event_forms.read_new_event({
        "title": "Communities of Practice", "number": 48,
        "starts_at": "2030-03-09T10:00:00+00:00", "ends_at": "2030-03-09T16:00:00+00:00",
        "timezone": "Europe/London", "venue": "Close Brothers, 10 Crown Place, London",
        "host": "Close Brothers", "capacity": 10_000,
    })
    assert new_event is not None, errors
    event = events.create_event(new_event, "bench@example.com")
    event_id = event["event_id"]
    polls.create_poll(event_id, poll_forms.NewPoll(
        "How would you rate the day?", "rating",
        scale=poll_forms.Scale(1, 10, "poor", "perfect")), "bench@example.com")
    plan = slides.start_upload(event_id, slide_forms.SlideUpload("deck.pdf", "application/pdf", 2_000_000),
                               "bench@example.com")
    item = store.get(keys.slide(event_id, plan.file_id)) or {}
    attendees = []
    for number in range(count + 1):
        email = f"attendee{number}@example.com"
        registrations.register(event_id, Registrant(email, f"Attendee {number}", "Bench Ltd", "",
                                                    "", True, False))
        record = registrations.get_registration(event_id, email)
        assert record is not None
        attendees.append({"event_id": event_id, "registration_id": record["registration_id"],
                          "email": email, "registered_at": record["registered_at"]})
    print(json.dumps({
        "environment": deployed.environment,
        "event_id": event_id,
        "slide_token": slides.issue_link(item, attendees[0]["email"]),
        "poll_token": polls.issue_link(event_id, attendees[0]["email"], days=7),
        "attendees": attendees[1:],
        "table": get_settings().table_name,
        "floor_key": {name: {"S": value} for name, value in keys.event(event_id).items()},
    }))


def _jobs(seeded: dict[str, Any], rounds: int) -> dict[str, tuple[str, list[str]]]:
    """Each figure's code and its stdin for every round (a fresh registration each time)."""
    event_id = seeded["event_id"]
    floor = json.dumps({"table": seeded["table"], "key": seeded["floor_key"]})

    def api(method: str, resource_path: str, params: dict[str, str], status: int,
            body: str | None = None) -> str:
        path = resource_path
        for name, value in params.items():
            path = path.replace("{" + name + "}", value)
        headers = {"Accept": "text/html,application/xhtml+xml",
                   "Host": "abc123.execute-api.eu-west-2.amazonaws.com"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        event = {
            "resource": resource_path, "path": path, "httpMethod": method, "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": None, "multiValueQueryStringParameters": None,
            "pathParameters": params, "stageVariables": None,
            "requestContext": {"resourcePath": resource_path, "httpMethod": method, "path": f"/api{path}",
                               "requestId": "bench", "stage": "api",
                               "identity": {"sourceIp": "203.0.113.10", "userAgent": "bench"},
                               "apiId": "abc123", "accountId": "123456789012"},
            "body": body, "isBase64Encoded": False,
        }
        return json.dumps({"handler": "", "event": event, "status": status})

    def registration(round_: int) -> str:
        from urllib.parse import urlencode

        body = urlencode({"email": f"newcomer{round_}@example.com", "name": "Ada Lovelace",
                          "organisation": "Analytical Engines Ltd", "consent_report": "true",
                          "website": "", "form_started": str(int(time.time()) - 60)})
        return api("POST", "/events/{event_id}/registrations", {"event_id": event_id}, 202, body)

    def worker(attendee: dict[str, str]) -> str:
        body = json.dumps({"version": "0", "id": f"bench-{attendee['registration_id']}",
                           "detail-type": "RegistrationConfirmed", "source": "clubflow",
                           "account": "123456789012", "time": attendee["registered_at"][:19] + "Z",
                           "region": REGION, "resources": [], "detail": attendee})
        record = {"messageId": f"bench-{attendee['registration_id']}", "receiptHandle": "bench",
                  "body": body, "attributes": {"ApproximateReceiveCount": "1"},
                  "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                  "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:RegistrationMailQueue",
                  "awsRegion": REGION}
        return json.dumps({"handler": "send_registration_mail", "event": {"Records": [record]}})

    same = [floor] * rounds
    return {
        "floor": (FLOOR, same),
        "event_page": (CANDIDATE, [api("GET", "/events/{event_id}", {"event_id": event_id}, 200)] * rounds),
        "registration_post": (CANDIDATE, [registration(round_) for round_ in range(rounds)]),
        "slide_link_page": (CANDIDATE, [api("GET", "/s/{token}", {"token": seeded["slide_token"]}, 200)] * rounds),
        "poll_page": (CANDIDATE, [api("GET", "/p/{token}", {"token": seeded["poll_token"]}, 200)] * rounds),
        "worker_first_record": (CANDIDATE, [worker(attendee) for attendee in seeded["attendees"][:rounds]]),
    }


def table(result: dict[str, object]) -> str:
    """The figures as printed by `python -m clubflow.bench.first_response`."""
    medians: dict[str, float] = result["medians_ms"]  # type: ignore[assignment]
    cpu: dict[str, float] = result["cpu_medians_ms"]  # type: ignore[assignment]
    floor = medians["floor"]
    lines = [f"{'what (fresh process, median of ' + str(result['runs']) + ')':<44} {'wall':>8} {'cpu':>8} "
             f"{'ratio':>7} {'cpu ratio':>9}",
             f"{'floor: boto3 + DynamoDB client + GetItem':<44} {floor:>6.0f}ms {cpu['floor']:>6.0f}ms "
             f"{'1.00x':>7} {'1.00x':>9}"]
    labels = {"event_page": "GET /events/{event_id} (HTML)", "registration_post": "POST registration form",
              "slide_link_page": "GET /s/{token} (slide link page)", "poll_page": "GET /p/{token} (poll page)",
              "worker_first_record": "worker: registration mail, batch of one"}
    for name, label in labels.items():
        ratio = medians[name] / floor
        cpu_ratio = cpu[name] / cpu["floor"]
        mark = "" if ratio <= GOAL else "  over goal"
        lines.append(f"{label:<44} {medians[name]:>6.0f}ms {cpu[name]:>6.0f}ms {ratio:>6.2f}x "
                     f"{cpu_ratio:>8.2f}x{mark}")
    lines.append(f"first_response_ratio (worst page): {result['first_response_ratio']:.2f}x; "
                 f"worker_first_record_ratio: {result['worker_first_record_ratio']:.2f}x (goal <= {GOAL}x)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each instead of 9")
    args = parser.parse_args()
    print(table(measure(args.quick)))


if __name__ == "__main__":
    main()
