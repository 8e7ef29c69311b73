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
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsCalls]:
    """Record AWS calls; fail any test whose code path ran a DynamoDB Scan."""
    from botocore.client import BaseClient

    recorder = AwsCalls()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]  # private: not in botocore's stubs

    def recording(self: Any, operation_name: str, api_params: Any) -> Any:
        recorder.calls.append((self.meta.service_model.service_name, operation_name))
        if operation_name == "PutEvents":
            recorder.published.extend(api_params.get("Entries", []))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    yield recorder
    assert "Scan" not in recorder.of("dynamodb"), "a DynamoDB Scan ran; query an index instead"
    for entry in recorder.published:
        check_domain_event(entry)


def check_domain_event(entry: dict[str, Any]) -> None:
    """Every domain event put on the bus matches events/schemas/<DetailType>.json."""
    import jsonschema

    schema_file = EVENTS_DIR / "schemas" / f"{entry['DetailType']}.json"
    assert schema_file.exists(), f"no JSON Schema for domain event {entry['DetailType']}: add {schema_file}"
    jsonschema.validate(json.loads(entry["Detail"]), json.loads(schema_file.read_text()))
