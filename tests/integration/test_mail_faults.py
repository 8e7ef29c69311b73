"""Registration mail under faults: each stored registration's outcome email goes exactly once.

Faults are injected into the real AWS calls (moto answers them), at the moments a worker can
fail: before the send, after SES accepted the message and before the send is recorded, SES
throttling, and the same SQS batch delivered three times. Each case prints sent / duplicated /
lost, counted from SES's own outbox.

After a fault the pump is drained, then drained again with the clock past the few minutes in
which SES's Send event settles a delivery whose worker died (core/deliveries.py): what was
certainly not sent goes then, once.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.registration_steps import create_event, register

PEOPLE = 8


class Faults:
    """Fails the next `times` SES sends at `moment` ("before" the call, or "after" SES accepted)."""

    def __init__(self, moment: str, times: int, error: Callable[[], Exception]) -> None:
        from chalicelib.core import aws

        self.client = aws.sesv2()
        self.event = f"{moment}-call.sesv2.SendEmail"
        self.left = times
        self.error = error
        self.client.meta.events.register(self.event, self._fail)

    def _fail(self, **_: Any) -> None:
        if self.left > 0:
            self.left -= 1
            raise self.error()

    def stop(self) -> None:
        self.client.meta.events.unregister(self.event, self._fail)


def _crash() -> Exception:
    return RuntimeError("the worker died here")


def _throttled() -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded."}},
                       "SendEmail")


def _tally(outbox: Any, people: list[str]) -> dict[str, int]:
    received = Counter(to for message in outbox.messages() for to in message["to"])
    return {
        "sent": sum(1 for person in people if received[person] >= 1),
        "duplicated": sum(max(0, received[person] - 1) for person in people),
        "lost": sum(1 for person in people if received[person] == 0),
    }


def settle(pump: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drain, then drain again once a delivery in flight can be settled (a minute past UNCERTAIN)."""
    from chalicelib.core import clock, deliveries

    pump.drain()
    later = clock.now() + deliveries.UNCERTAIN + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    pump.drain(now=later)


def _registered(client: Any, organiser_key: str, pump: Any, outbox: Any, case: str) -> list[str]:
    event_id = create_event(client, organiser_key, capacity=PEOPLE // 2)
    pump.drain()
    outbox.clear()
    people = [f"{case}-{n}@example.com" for n in range(PEOPLE)]
    for person in people:
        assert register(client, event_id, person).status_code == 202
    return people


@pytest.mark.parametrize(("case", "moment", "error"), [
    ("crash-before-send", "before", _crash),
    ("ses-throttling", "before", _throttled),
])
def test_registration_mail_goes_once_through_faults_before_the_send(
        client: Any, organiser_key: str, pump: Any, outbox: Any, case: str, moment: str,
        error: Callable[[], Exception], monkeypatch: pytest.MonkeyPatch) -> None:
    people = _registered(client, organiser_key, pump, outbox, case)
    faults = Faults(moment, times=3, error=error)
    pump.drain()
    faults.stop()
    settle(pump, monkeypatch)

    tally = _tally(outbox, people)
    print(f"\n{case}: {tally}")
    assert faults.left == 0, "the faults were not reached"
    assert tally == {"sent": PEOPLE, "duplicated": 0, "lost": 0}


def test_registration_mail_goes_once_when_the_same_batch_is_delivered_three_times(
        client: Any, organiser_key: str, pump: Any, outbox: Any, deployed: Any) -> None:
    import boto3

    from app import app
    from clubflow.dev.pump import LocalContext, _sqs_event

    people = _registered(client, organiser_key, pump, outbox, "redelivered")
    pump.relay_outbox()
    pump.relay_outbox()
    sqs = boto3.client("sqs")
    url = deployed.queue_urls["RegistrationMailQueue"]
    messages: list[Any] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        messages.extend(got)
    assert len(messages) == PEOPLE
    batch = _sqs_event(messages, "arn:aws:sqs:eu-west-2:123456789012:registration-mail")

    for delivery in range(3):
        copy_of = copy.deepcopy(batch)
        for record in copy_of["Records"]:
            record["messageId"] = f"{record['messageId']}-{delivery}"  # SQS ids differ per delivery
        result = app.handler_map["send_registration_mail"](copy_of, LocalContext("send_registration_mail"))
        assert result == {"batchItemFailures": []}

    tally = _tally(outbox, people)
    print(f"\nsame batch three times: {tally}")
    assert tally == {"sent": PEOPLE, "duplicated": 0, "lost": 0}
    assert {json.loads(m["Body"])["detail-type"] for m in messages} <= {
        "RegistrationConfirmed", "RegistrationWaitlisted"}


def test_registration_mail_goes_once_when_the_worker_dies_after_ses_accepted_it(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import keys, store

    people = _registered(client, organiser_key, pump, outbox, "crash-after-send")
    faults = Faults("after", times=3, error=_crash)
    pump.drain()
    faults.stop()
    settle(pump, monkeypatch)

    tally = _tally(outbox, people)
    print(f"\ncrash-after-send: {tally}")
    assert faults.left == 0
    assert tally == {"sent": PEOPLE, "duplicated": 0, "lost": 0}
    # SES's Send events, not the workers, recorded the three sends whose workers died
    confirmed = [message for message in outbox.messages()
                 if (store.get(keys.mail_delivery(_delivery_of(message))) or {}).get("confirmed_by") == "ses"]
    assert len(confirmed) == 3


def _delivery_of(message: dict[str, Any]) -> str:
    """The delivery id an email was tagged with, as SES's Send event carries it."""
    from clubflow.dev import ses_events

    tags = ses_events.sent_tags(message["id"])
    return tags["delivery"][0].removeprefix("mail-")


def test_registration_mail_goes_once_when_the_relay_dies_after_putting_events_on_the_bus(
        client: Any, organiser_key: str, pump: Any, outbox: Any) -> None:
    from chalicelib.core import aws

    people = _registered(client, organiser_key, pump, outbox, "relay-crash")
    dynamodb = aws.dynamodb()
    died: list[bool] = []

    def die_before_deleting(**_: Any) -> None:
        if not died:
            died.append(True)
            raise RuntimeError("the relay died after PutEvents")

    # The relay puts the entries on the bus, then dies before deleting them: the stream retries
    dynamodb.meta.events.register("before-call.dynamodb.BatchWriteItem", die_before_deleting)
    try:
        pump.drain()
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.BatchWriteItem", die_before_deleting)
    pump.drain()

    tally = _tally(outbox, people)
    print(f"\nrelay-crash-after-put: {tally}")
    assert died
    assert tally == {"sent": PEOPLE, "duplicated": 0, "lost": 0}


# --- report batches -------------------------------------------------------------------------------

REPORT_PEOPLE = 12
REPORT_BATCH = 5  # three batches: a fault in one batch must not touch the others


def _report_audience(client: Any, organiser_key: str, pump: Any, outbox: Any, case: str,
                     monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    from chalicelib.core import pacing
    from chalicelib.reports import runs
    from tests.integration.reports_steps import SECTIONS, registered, save_sections

    monkeypatch.setattr(runs, "BATCH_SIZE", REPORT_BATCH)
    # SES's throttling is backed off from at once: the pacer's own waits are not what is tested.
    monkeypatch.setattr(pacing, "MAX_BACKOFF_SECONDS", 0.001)
    event_id = create_event(client, organiser_key, capacity=REPORT_PEOPLE)
    people = [f"report-{case}-{n}@example.com" for n in range(REPORT_PEOPLE)]
    registered(client, event_id, pump, dict.fromkeys(people, True))
    assert save_sections(client, organiser_key, event_id, SECTIONS).status_code == 200
    outbox.clear()
    return event_id, people


def _report_done(client: Any, organiser_key: str, run_id: str, outbox: Any, people: list[str],
                 case: str) -> dict[str, int]:
    from tests.integration.reports_steps import run_status

    tally = _tally(outbox, people)
    print(f"\nreport batches, {case}: {tally}")
    status = run_status(client, organiser_key, run_id)
    assert (status["status"], status["sent"], status["failed"]) == ("done", REPORT_PEOPLE, 0), status
    return tally


@pytest.mark.parametrize(("case", "moment", "times", "error"), [
    # The worker dies after claiming a batch, before a send: the claimed person still gets it.
    ("crash-before-send", "before", 3, _crash),
    # The worker dies after SES accepted a send, before recording it: SES's Send event records it.
    ("crash-after-send", "after", 3, _crash),
    # SES throttles past the pacer's tries: the batch is given back and retried.
    ("ses-throttling", "before", 7, _throttled),
])
def test_report_batches_go_once_to_each_person_through_faults(
        client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch,
        case: str, moment: str, times: int, error: Callable[[], Exception]) -> None:
    from tests.integration.reports_steps import start_run

    event_id, people = _report_audience(client, organiser_key, pump, outbox, case, monkeypatch)
    faults = Faults(moment, times=times, error=error)
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()
    faults.stop()
    pump.drain()
    # Those whose send a crash interrupted before SES had it are sent only once it is certain
    # that SES never accepted it, a few minutes on; nobody else waits
    waiting = _tally(outbox, people)["lost"]
    assert waiting == (times if case == "crash-before-send" else 0)
    settle(pump, monkeypatch)

    tally = _report_done(client, organiser_key, run_id, outbox, people, case)
    assert faults.left == 0, "the faults were not reached"
    assert tally == {"sent": REPORT_PEOPLE, "duplicated": 0, "lost": 0}


def test_report_batches_go_once_when_each_is_delivered_three_times(
        client: Any, organiser_key: str, pump: Any, outbox: Any, deployed: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    from app import app
    from clubflow.dev.pump import LocalContext, _sqs_event
    from tests.integration.reports_steps import start_run

    event_id, people = _report_audience(client, organiser_key, pump, outbox, "redelivered", monkeypatch)
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    reports = next(consumer for consumer in pump.consumers if consumer.name == "send_reports")
    pump.relay_outbox()  # the run's request is stored with it; the relay puts it on the bus
    pump.deliver_once(reports)  # builds the run: its batches are queued
    sqs = boto3.client("sqs")
    messages: list[Any] = []
    while got := sqs.receive_message(QueueUrl=reports.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        messages.extend(got)
    assert [json.loads(m["Body"])["detail-type"] for m in messages] == ["ReportBatchDue"] * 3
    batch = _sqs_event(messages, reports.queue_arn)

    for delivery in range(3):
        copy_of = copy.deepcopy(batch)
        for record in copy_of["Records"]:
            record["messageId"] = f"{record['messageId']}-{delivery}"  # SQS ids differ per delivery
        assert app.handler_map["send_reports"](copy_of, LocalContext("send_reports")) == {"batchItemFailures": []}
    settle(pump, monkeypatch)

    tally = _report_done(client, organiser_key, run_id, outbox, people, "same batches three times")
    assert tally == {"sent": REPORT_PEOPLE, "duplicated": 0, "lost": 0}
