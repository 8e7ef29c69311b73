"""Shared fixtures: the resources of stacks/app.yaml in moto, deployed once per process and emptied
before each test that asks for them."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from clubflow.dev.resources import Deployed
    from tests.aws_baseline import Baseline

REPO = Path(__file__).resolve().parents[1]
REGION = "eu-west-2"
EVENTS_DIR = REPO / "events"

# Never talk to a real account from tests, whatever the developer's shell has.
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION=REGION,
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_DEV="false",
    POWERTOOLS_LOG_LEVEL="WARNING",
    # Every test client (and the local stack's) posts from one address; tests of the limits
    # switch them on.
    CLUBFLOW_RATE_LIMITS="off",
    TABLE_NAME="unset-until-a-test-deploys",
    MAIL_FROM="CofEe Club <club@example.com>",
    PUBLIC_BASE_URL="http://testserver",
    # moto has no SES GetAccount: the account's send rate as a raised production quota.
    MAIL_SEND_RATE="1000",
    # A developer's running `clubflow dev` records itself for their user: tests never find it.
    CLUBFLOW_RUNTIME_DIR=str(Path(__file__).resolve().parent / ".no-runtime"),
)


def _share_botocore_loader() -> None:
    """One botocore data loader for every session in this process: tests make fresh sessions
    (per client, and moto per test), and each new loader would parse the service models again."""
    import botocore.session
    from botocore.loaders import create_loader

    botocore.session.create_loader = functools.cache(create_loader)


_share_botocore_loader()


def reset_caches() -> None:
    from chalicelib.core import aws, render, settings, workers

    settings.reset()
    aws.reset()
    workers.reset()
    render.environment.cache_clear()


class StackInMoto:
    """stacks/app.yaml deployed into moto once per process, and reset to as-deployed per test."""

    def __init__(self) -> None:
        from moto import mock_aws

        from clubflow.dev import queries, queues, ses_events, transactions

        transactions.apply()  # as the local stack's moto: transactions cost what they touch,
        queries.apply()  # a query the partition it reads, not the table,
        queues.apply()  # a message sent costs the message, not the queue's length,
        ses_events.apply()  # and SES publishes a Send event for every message it accepts
        self.mock = mock_aws()
        self.deployed: Deployed | None = None
        self.baseline: Baseline | None = None

    def fresh(self) -> Deployed:
        """The stack with nothing in it: deployed on first use (or after moto lost it), else emptied."""
        if self.deployed is None or self.baseline is None or not self.baseline.intact():
            import boto3

            from clubflow.dev import resources
            from tests.aws_baseline import Baseline

            self.deployed = resources.deploy(stack_name="clubflow-test", region=REGION)
            boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity="example.com")
            self.baseline = Baseline.take(REGION)
        else:
            self.baseline.restore()
        return self.deployed


@pytest.fixture(scope="session")
def stack_in_moto() -> Iterator[StackInMoto]:
    """One deploy per process (per xdist worker); moto's data goes when the session ends."""
    stack = StackInMoto()
    yield stack
    stack.mock.start(reset=False)
    stack.mock.stop()


@pytest.fixture
def deployed(stack_in_moto: StackInMoto, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    """moto with every resource of stacks/app.yaml and no data, and the functions' environment set."""
    # moto intercepts AWS only during tests that ask for it, and keeps its data between them.
    stack_in_moto.mock.start(reset=False)
    try:
        result = stack_in_moto.fresh()
        for name, value in result.environment.items():
            monkeypatch.setenv(name, value)
        reset_caches()
        yield result
    finally:
        stack_in_moto.mock.stop(remove_data=False)
        reset_caches()


@pytest.fixture
def organiser_key(deployed: Any) -> str:
    from chalicelib.core.auth import add_organiser

    raw, _ = add_organiser("organiser@example.com")
    return raw


@pytest.fixture
def client(deployed: Any) -> Iterator[Any]:
    from chalice.test import Client

    from app import app

    with Client(app) as test_client:
        yield test_client


def sample_event(name: str) -> dict[str, Any]:
    """A sample event from events/samples, as a handler receives it."""
    return json.loads((EVENTS_DIR / "samples" / name).read_text())


@pytest.fixture
def pump(deployed: Any) -> Any:
    """Delivers queued domain events to the same handlers Lambda would call (drive it, never sleep)."""
    from app import app
    from clubflow.dev.pump import Pump

    return Pump(app, deployed)


@pytest.fixture
def outbox(deployed: Any) -> Any:
    """Emails sent through SES in this test, parsed from the raw MIME (newest first)."""
    from clubflow.dev import outbox as outbox_module

    outbox_module.clear()
    return outbox_module


class AwsCalls:
    """Every AWS API call made in this process during a test, as (service, operation)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.published: list[dict[str, Any]] = []

    def of(self, service: str) -> list[str]:
        return [operation for svc, operation in self.calls if svc == service]


@pytest.fixture(autouse=True)
def aws_calls(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[AwsCalls]:
    """Record AWS calls; fail any test whose code path ran a DynamoDB Scan, or made a call its
    function's role does not allow (tests/permissions.py)."""
    from botocore.client import BaseClient
    from botocore.signers import RequestSigner, S3PostPresigner

    from tests import permissions

    recorder = AwsCalls()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]  # private: not in botocore's stubs
    presign = RequestSigner.generate_presigned_url

    def recording(self: Any, operation_name: str, api_params: Any) -> Any:
        service = self.meta.service_model.service_name
        recorder.calls.append((service, operation_name))
        permissions.TRACE.note(service, operation_name, api_params or {})
        if operation_name == "PutEvents":
            recorder.published.extend(api_params.get("Entries", []))
        return original(self, operation_name, api_params)

    def presigning(self: Any, request_dict: Any, operation_name: str, *args: Any, **kwargs: Any) -> Any:
        # Whoever uses a presigned URL acts with the signer's permissions.
        permissions.TRACE.note(self.signing_name, operation_name, {})
        return presign(self, request_dict, operation_name, *args, **kwargs)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    presign_post = S3PostPresigner.generate_presigned_post

    def presigning_post(self: Any, request_dict: Any, *args: Any, **kwargs: Any) -> Any:
        # A presigned POST upload is a PutObject with the signer's permissions.
        permissions.TRACE.note("s3", "PutObject", {})
        return presign_post(self, request_dict, *args, **kwargs)

    monkeypatch.setattr(RequestSigner, "generate_presigned_url", presigning)
    monkeypatch.setattr(S3PostPresigner, "generate_presigned_post", presigning_post)
    missing_before = len(permissions.TRACE.missing)
    yield recorder
    permissions.RAN.add(request.node.path.relative_to(REPO).as_posix())
    assert "Scan" not in recorder.of("dynamodb"), "a DynamoDB Scan ran; query an index instead"
    missing = permissions.TRACE.missing[missing_before:]
    assert not missing, "\n".join(dict.fromkeys(missing))
    for entry in recorder.published:
        check_domain_event(entry)


def check_domain_event(entry: dict[str, Any]) -> None:
    """Every domain event put on the bus matches events/schemas/<DetailType>.json."""
    import jsonschema

    schema_file = EVENTS_DIR / "schemas" / f"{entry['DetailType']}.json"
    assert schema_file.exists(), f"no JSON Schema for domain event {entry['DetailType']}: add {schema_file}"
    jsonschema.validate(json.loads(entry["Detail"]), json.loads(schema_file.read_text()))


def pytest_configure(config: pytest.Config) -> None:
    # One folder per run, where each process leaves what its functions called (tests/permissions.py).
    if not hasattr(config, "workerinput"):
        import tempfile

        os.environ["CLUBFLOW_PERMISSION_TRACE"] = tempfile.mkdtemp(prefix="clubflow-permissions-")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After every integration test file ran and passed: fail on an action a role grants that its
    function never called."""
    from tests import permissions

    directory = permissions.trace_dir()
    if directory is None:
        return
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    permissions.save(directory, worker or "controller", permissions.RAN)
    if worker:
        return
    used, ran = permissions.load(directory)
    if exitstatus != 0 or not permissions.every_integration_file_ran(ran):
        return
    problems = permissions.unused(used)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    assert reporter is not None
    for problem in problems:
        reporter.write_line(f"permission trace: {problem}", red=True)
    reporter.write_line(f"permission trace: {len(used)} functions, {sum(map(len, used.values()))} actions called, "
                        f"0 missing, {len(problems)} unused")
    if problems:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
