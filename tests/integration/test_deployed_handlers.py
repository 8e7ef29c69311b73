"""Every function of the packaged template, imported and called as Lambda does (the module path of
its Handler, a Lambda context, no app middleware unless the handler is the app): each log line
carries the correlation id of what it is handling, and a failure is logged at ERROR with its
traceback."""

from __future__ import annotations

import copy
import importlib
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ClientError

from tests.conftest import EVENTS_DIR, sample_event

TRACE_ROOT = "1-67891233-abcdef012345678912345678"


@pytest.fixture(scope="module")
def functions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each function of the packaged dev template: its handler, and the rule feeding its queue."""
    from clubflow import package

    built = package.build(tmp_path_factory.mktemp("handlers") / "dev", stage="dev")
    resources = package.load_template(built.template)["Resources"]
    # A schedule rule (no pattern) sends EventBridge's own "Scheduled Event".
    patterns = {
        target["Arn"]["Fn::GetAtt"][0]: spec["Properties"].get("EventPattern",
                                                               {"detail-type": ["Scheduled Event"]})
        for spec in resources.values() if spec.get("Type") == "AWS::Events::Rule"
        for target in spec["Properties"]["Targets"]
    }
    found = {}
    for name, spec in resources.items():
        if spec.get("Type") != "AWS::Serverless::Function":
            continue
        queues = [event["Properties"]["Queue"]["Fn::GetAtt"][0]
                  for event in (spec["Properties"].get("Events") or {}).values() if event["Type"] == "SQS"]
        streams = [event for event in (spec["Properties"].get("Events") or {}).values()
                   if event["Type"] == "DynamoDB"]
        found[name] = {"handler": spec["Properties"]["Handler"],
                       "pattern": patterns[queues[0]] if queues else None, "stream": bool(streams)}
    return found


def _as_lambda(path: str) -> Any:
    from clubflow.dev.pump import LocalContext

    module, _, name = path.rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    return lambda event: handler(event, LocalContext(name))


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    from chalicelib.core.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    level = logger.log_level
    logger.setLevel("INFO")  # as deployed (POWERTOOLS_LOG_LEVEL in config.json); tests run at WARNING
    yield stream
    logger.setLevel(level)
    logging.getLogger(logger.name).removeHandler(handler)


def _lines(logged: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in logged.getvalue().splitlines()]


@pytest.fixture
def broken_table(deployed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every data access fails, as it would with the table gone or DynamoDB unreachable (and the
    schedule group, which the event-changes consumer reaches before the table)."""
    from chalicelib.core import aws, settings

    monkeypatch.setenv("TABLE_NAME", "no-such-table")
    monkeypatch.setenv("SCHEDULER_GROUP", "no-such-group")
    settings.reset()
    aws.reset()


def test_the_packaged_template_has_the_functions_this_test_knows(functions: dict[str, Any]) -> None:
    kinds = {name: ("api" if info["handler"] == "app.app" else "stream" if info["stream"]
                    else "authorizer" if info["pattern"] is None else "sqs")
             for name, info in functions.items()}
    assert kinds.pop("APIHandler") == "api"
    assert kinds.pop("OrganiserAuth") == "authorizer"
    assert kinds.pop("RelayOutbox") == "stream"
    assert kinds and set(kinds.values()) == {"sqs"}


def _sample_for(pattern: dict[str, Any]) -> dict[str, Any]:
    """A sample SQS record (events/samples) of a kind the consumer's rule routes to it."""
    for path in sorted((EVENTS_DIR / "samples").glob("sqs_*.json")):
        record = json.loads(path.read_text())["Records"][0]
        if json.loads(record["body"])["detail-type"] in pattern["detail-type"]:
            return dict(record)
    raise AssertionError(f"no sample event in events/samples for {pattern['detail-type']}")


def test_every_consumer_logs_a_failed_record_at_error_under_its_message_id(
        functions: dict[str, Any], broken_table: None, logged: io.StringIO) -> None:
    consumers = {name: info for name, info in functions.items() if info["pattern"] is not None}
    for name, info in consumers.items():
        # Given one of its real events, and a table it cannot reach
        record = _sample_for(info["pattern"])
        record["messageId"] = f"message-for-{name}"
        logged.truncate(0)
        logged.seek(0)

        # When Lambda calls the handler the template names
        try:
            result = _as_lambda(info["handler"])({"Records": [record]})
        except BatchProcessingError:
            # A batch whose every record failed fails the invocation: Lambda retries it all.
            result = {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}

        # Then the record is retried, and logged at ERROR with its id and traceback
        assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}, name
        errors = [line for line in _lines(logged) if line["level"] == "ERROR"]
        assert errors, f"{name} ({info['handler']}) logged no ERROR for a failed record"
        assert {line["correlation_id"] for line in errors} == {record["messageId"]}, name
        assert all("Traceback" in line["exception"] for line in errors), name


def test_the_api_logs_each_request_and_a_failure_under_the_request_id(
        functions: dict[str, Any], broken_table: None, logged: io.StringIO) -> None:
    api = _as_lambda(functions["APIHandler"]["handler"])
    health = sample_event("api_gateway_get_health.json")
    events = copy.deepcopy(health)
    events.update(resource="/events", path="/events")
    events["requestContext"].update(resourcePath="/events", requestId="request-for-events")

    # When a request succeeds, and another fails inside the app
    assert api(health)["statusCode"] == 200
    assert api(events)["statusCode"] == 500

    # Then both are logged under their API Gateway request id, the failure at ERROR with its traceback
    lines = _lines(logged)
    requests = {line["correlation_id"]: line["status"] for line in lines if line["message"] == "request"}
    assert requests == {health["requestContext"]["requestId"]: 200, "request-for-events": 500}
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["correlation_id"] == "request-for-events"
    assert "Traceback" in error["exception"]


def test_the_authorizer_logs_a_failed_check_under_the_request_s_trace(
        functions: dict[str, Any], broken_table: None, logged: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", f"Root={TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1")
    authorizer = _as_lambda(functions["OrganiserAuth"]["handler"])
    event = {"type": "TOKEN", "authorizationToken": "Bearer cfk_" + "a" * 40,
             "methodArn": "arn:aws:execute-api:eu-west-2:123456789012:abc123/dev/GET/admin/events"}

    with pytest.raises(ClientError, match=r"ResourceNotFound"):
        authorizer(event)

    (error,) = [line for line in _lines(logged) if line["level"] == "ERROR"]
    assert error["correlation_id"] == TRACE_ROOT
    assert "Traceback" in error["exception"]


def test_every_handler_module_is_a_real_module_path(functions: dict[str, Any]) -> None:
    root = Path(__file__).resolve().parents[2] / "functions"
    for name, info in functions.items():
        module = info["handler"].rpartition(".")[0]
        assert (root / (module.replace(".", "/") + ".py")).is_file(), f"{name}: {info['handler']}"


def test_the_outbox_relay_logs_a_failed_batch_at_error_under_its_first_records_id(
        functions: dict[str, Any], broken_table: None, logged: io.StringIO) -> None:
    # Given a stream batch with a new outbox entry, and a table the relay cannot reach
    event = sample_event("dynamodb_outbox_insert.json")
    record_id = event["Records"][0]["eventID"]

    # When Lambda calls the handler the template names, the batch fails (the stream retries it)
    with pytest.raises(ClientError):
        _as_lambda(functions["RelayOutbox"]["handler"])(event)

    # Then the failure is logged at ERROR with its traceback, under the record's id
    errors = [line for line in _lines(logged) if line["level"] == "ERROR"]
    assert errors and {line["correlation_id"] for line in errors} == {record_id}
    assert all("Traceback" in line["exception"] for line in errors)
