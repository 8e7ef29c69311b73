"""Least privilege, measured: every AWS call the tests make is traced to the deployed function
that made it, and checked against that function's role in stacks/app.yaml.

- A call its role does not allow fails the test that made it, naming the action and the role.
- At the end of a run that executed every integration test file, an action a role grants that
  its function never called fails the run (the role grants too much), again naming both.

A call is the function's when a frame of its handler is on the stack: the module and function
of its Handler (consumers, the authorizer), or the Chalice app itself (the API function). Calls
made by the tests themselves (setup, looking at moto) belong to no function and are not checked.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
INTEGRATION = REPO / "tests" / "integration"
TRACE_DIR_VARIABLE = "CLUBFLOW_PERMISSION_TRACE"
API_FUNCTION = "APIHandler"

# Granted to every function for what Lambda itself does on its behalf (not calls in our code).
PLATFORM = frozenset({"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments",
                      "xray:PutTelemetryRecords"})
# What Lambda's event source mapping calls on a function's queue or stream, with the function's role.
QUEUE_READING = frozenset({"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                           "sqs:GetQueueAttributes"})
STREAM_READING = frozenset({"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                            "dynamodb:ListStreams"})
# Calls the functions make that moto cannot answer, so no test makes them: (function, action) -> why.
NOT_EMULATED = {
    ("SendReports", "ses:GetAccount"): "the account's send rate (core/pacing.py); moto has no SES GetAccount",
}
# boto3 service names whose IAM prefix differs.
_PREFIX = {"sesv2": "ses"}
# Operations authorized by an action of another name (the Service Authorization Reference).
_AUTHORIZED_AS = {
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "CreateMultipartUpload"): ("s3:PutObject",),
    ("s3", "UploadPart"): ("s3:PutObject",),
    ("s3", "CompleteMultipartUpload"): ("s3:PutObject",),
    ("s3", "CopyObject"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("sqs", "SendMessageBatch"): ("sqs:SendMessage",),
    ("sqs", "DeleteMessageBatch"): ("sqs:DeleteMessage",),
}
_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem",
             "Get": "GetItem"}


def actions_of(service: str, operation: str, params: dict[str, Any]) -> set[str]:
    """The IAM actions one API call needs."""
    prefix = _PREFIX.get(service, service)
    if service == "dynamodb" and operation in ("TransactWriteItems", "TransactGetItems"):
        return {f"dynamodb:{_TRANSACT[kind]}" for item in params.get("TransactItems", []) for kind in item}
    needed = set(_AUTHORIZED_AS.get((service, operation), (f"{prefix}:{operation}",)))
    if service == "scheduler" and (params.get("Target") or {}).get("RoleArn"):
        needed.add("iam:PassRole")  # a schedule acts as the role it is given
    return needed


@dataclass(frozen=True)
class Function:
    name: str  # the template's resource name (APIHandler, SendReports, ...)
    role: str  # its role's resource name in stacks/app.yaml
    reading: frozenset[str] = frozenset()  # what its event source mapping calls for it


@cache
def functions() -> dict[tuple[str, str], Function]:
    """(module, function) of each deployed handler -> the function, from the Chalice app."""
    from chalice.app import DynamoDBEventConfig, SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    found: dict[tuple[str, str], Function] = {}
    handlers = [(source.handler_string, source.name,
                 QUEUE_READING if isinstance(source, SQSEventConfig)
                 else STREAM_READING if isinstance(source, DynamoDBEventConfig) else frozenset())
                for source in app.event_sources]
    handlers += [(auth.handler_string, auth.name, frozenset()) for auth in app.builtin_auth_handlers]
    handlers += [(plain.handler_string, plain.name, frozenset()) for plain in app.pure_lambda_functions]
    for handler, name, reading in handlers:
        module, _, function = handler.rpartition(".")
        resource = to_cfn_resource_name(name)
        found[(module, function)] = Function(resource, f"{resource}Role", reading)
    return found


def current_function() -> Function | None:
    """The deployed function whose handler is running on this thread's stack, if any."""
    handlers = functions()
    frame = sys._getframe(1)
    while frame is not None:
        key = (frame.f_globals.get("__name__", ""), frame.f_code.co_name)
        if key in handlers:
            return handlers[key]
        if key == ("chalice.app", "__call__") and type(frame.f_locals.get("self")).__name__ == "Chalice":
            return Function(API_FUNCTION, "ApiHandlerRole")
        frame = frame.f_back  # type: ignore[assignment]
    return None


@cache
def granted() -> dict[str, frozenset[str]]:
    """Each role of stacks/app.yaml -> the actions its policies allow."""
    from clubflow.dev import template

    roles: dict[str, frozenset[str]] = {}
    for name, spec in template.load()["Resources"].items():
        if not name.endswith("Role"):
            continue
        actions = set()
        for policy in (spec.get("Properties") or {}).get("Policies") or []:
            for statement in policy["PolicyDocument"]["Statement"]:
                if statement.get("Effect") == "Allow":
                    found = statement["Action"]
                    actions.update(found if isinstance(found, list) else [found])
        roles[name] = frozenset(actions)
    return roles


@dataclass
class Trace:
    """What each function called in this process, and the calls its role did not allow."""

    used: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    missing: list[str] = field(default_factory=list)

    def note(self, service: str, operation: str, params: dict[str, Any]) -> None:
        function = current_function()
        if function is None:
            return
        needed = actions_of(service, operation, params)
        self.used[function.name].update(needed)
        allowed = granted().get(function.role)
        for action in sorted(needed):
            if allowed is None:
                self.missing.append(f"{function.name} called {action}, and stacks/app.yaml gives it no role: add "
                                    f"`{function.role}: Properties: Policies:` with a statement allowing {action}")
            elif action not in allowed:
                self.missing.append(f"{function.name} called {action}, which its role does not allow: add "
                                    f"`{action}` to {function.role}'s policy in stacks/app.yaml")


TRACE = Trace()
RAN: set[str] = set()  # the test files that ran a test in this process


def unused(used: dict[str, set[str]]) -> list[str]:
    """Each action a function's role grants that the function never called, as what to remove."""
    problems = []
    for function in {*functions().values(), Function(API_FUNCTION, "ApiHandlerRole")}:
        exempt = PLATFORM | function.reading | {
            action for (name, action) in NOT_EMULATED if name == function.name}
        for action in sorted(granted().get(function.role, frozenset()) - exempt - used.get(function.name, set())):
            problems.append(f"{function.role} grants {action}, which {function.name} never called in the "
                            f"integration tests: remove it from {function.role}'s policy in stacks/app.yaml "
                            "(or add a test that makes that call)")
    return sorted(problems)


# --- across pytest processes (xdist workers write, the controller checks) ------------------------------

def save(directory: Path, worker: str, files: set[str]) -> None:
    record = {"used": {name: sorted(actions) for name, actions in TRACE.used.items()}, "files": sorted(files)}
    (directory / f"{worker}.json").write_text(json.dumps(record))


def load(directory: Path) -> tuple[dict[str, set[str]], set[str]]:
    used: dict[str, set[str]] = defaultdict(set)
    files: set[str] = set()
    for path in directory.glob("*.json"):
        record = json.loads(path.read_text())
        for name, actions in record["used"].items():
            used[name].update(actions)
        files.update(record["files"])
    return used, files


def every_integration_file_ran(files: set[str]) -> bool:
    wanted = {path.relative_to(REPO).as_posix() for path in INTEGRATION.glob("test_*.py")}
    return wanted <= files


def trace_dir() -> Path | None:
    value = os.environ.get(TRACE_DIR_VARIABLE)
    return Path(value) if value else None
