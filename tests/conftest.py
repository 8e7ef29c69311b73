"""Shared fixtures: a fresh moto backend with the resources of stacks/app.yaml per test."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
EVENTS_DIR = REPO / "events"

# Never talk to a real account from tests, whatever the developer's shell has.
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="eu-west-2",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_DISABLED="true",
    POWERTOOLS_DEV="false",
    POWERTOOLS_LOG_LEVEL="WARNING",
    TABLE_NAME="unset-until-a-test-deploys",
    MAIL_FROM="CofEe Club <club@example.com>",
    PUBLIC_BASE_URL="http://testserver",
)


def reset_caches() -> None:
    from chalicelib.core import aws, render, settings, workers

    settings.reset()
    aws.reset()
    workers.reset()
    render.environment.cache_clear()


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto with every resource of stacks/app.yaml, and the functions' environment set."""
    from moto import mock_aws

    with mock_aws():
        from clubflow.dev import resources

        result = resources.deploy(stack_name="clubflow-test")
        for name, value in result.environment.items():
            monkeypatch.setenv(name, value)
        import boto3

        boto3.client("sesv2").create_email_identity(EmailIdentity="example.com")
        reset_caches()
        yield result
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
    original = BaseClient._make_api_call

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
