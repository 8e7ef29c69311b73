"""SES feedback: a permanent bounce or a complaint suppresses the address for every later report;
a transient bounce does not; a Send event settles a delivery its worker could not record; a
redelivered event changes nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

import boto3

from tests.conftest import sample_event
from tests.integration.reports_steps import create_event, registered, reports_to, run_status, start_run

BOUNCED = "sqs_email_bounced.json"
TRANSIENT = "sqs_email_bounced_transient.json"
COMPLAINED = "sqs_email_complaint_received.json"
SENT = "sqs_email_sent.json"


def feedback(name: str) -> dict[str, Any]:
    """A sample's EventBridge event, as SES puts it on the default bus."""
    return dict(json.loads(sample_event(name)["Records"][0]["body"]))


def record(name: str) -> dict[str, Any]:
    from app import app
    from clubflow.dev.pump import LocalContext

    return dict(app.handler_map["record_mail_feedback"](sample_event(name), LocalContext("record_mail_feedback")))


def suppression_of(email: str) -> dict[str, Any] | None:
    from chalicelib.core import keys, store

    return store.get(keys.suppression(email))


def test_a_permanent_bounce_and_a_complaint_suppress_the_address(deployed: Any) -> None:
    from chalicelib.reports import suppression

    # When SES reports Grace's mailbox does not exist and Alan marks a report as spam
    results = [record(BOUNCED), record(COMPLAINED)]

    # Then both are suppressed, with the reason, the address normalised
    assert results == [{"batchItemFailures": []}] * 2
    grace, alan = suppression_of("grace@example.org"), suppression_of("alan@example.net")
    assert grace is not None and alan is not None
    assert (grace["reason"], alan["reason"]) == (suppression.BOUNCED, suppression.COMPLAINED)
    assert grace["source"] == "ses:" + feedback(BOUNCED)["detail"]["bounce"]["feedbackId"]


def test_a_transient_bounce_suppresses_nobody(deployed: Any) -> None:
    from chalicelib.reports import suppression

    assert record(TRANSIENT) == {"batchItemFailures": []}

    assert not suppression.is_suppressed("ada@example.com")


def test_a_redelivered_event_changes_nothing_and_the_first_reason_stands(deployed: Any) -> None:
    from chalicelib.reports import suppression

    # Given Alan unsubscribed, then Grace bounced
    suppression.suppress("alan@example.net", suppression.UNSUBSCRIBED)
    record(BOUNCED)
    before = suppression_of("grace@example.org")

    # When the bounce is delivered again, and Alan's complaint arrives
    again = record(BOUNCED)
    record(COMPLAINED)

    # Then Grace's suppression is untouched, and Alan's first reason is kept
    assert again == {"batchItemFailures": []}
    assert suppression_of("grace@example.org") == before
    alan = suppression_of("alan@example.net")
    assert alan is not None and alan["reason"] == suppression.UNSUBSCRIBED


def test_a_later_report_run_skips_bounced_and_complaining_people(
    client: Any, organiser_key: str, pump: Any, outbox: Any, deployed: Any
) -> None:
    # Given three consenting attendees, of whom Grace bounced and Alan complained (through the queue)
    event_id = create_event(client, organiser_key)
    people = {"ada@example.com": True, "grace@example.org": True, "alan@example.net": True}
    registered(client, event_id, pump, people)
    sqs = boto3.client("sqs")
    for name in (BOUNCED, COMPLAINED, TRANSIENT):
        sqs.send_message(QueueUrl=deployed.queue_urls["MailFeedbackQueue"],
                         MessageBody=sample_event(name)["Records"][0]["body"])
    pump.drain()

    # When the organiser sends the report
    run_id = start_run(client, organiser_key, event_id).json_body["run_id"]
    pump.drain()

    # Then only Ada, whose bounce was transient, has it
    assert len(reports_to(outbox, "ada@example.com")) == 1
    assert reports_to(outbox, "grace@example.org") == reports_to(outbox, "alan@example.net") == []
    status = run_status(client, organiser_key, run_id)
    assert (status["sent"], status["skipped"]) == (1, 2)


def test_the_rule_takes_this_stacks_bounces_and_complaints_from_the_default_bus(deployed: Any) -> None:
    from moto.events.models import EventPattern

    # Given the deployed rule (samples carry another stage's configuration set)
    events = boto3.client("events")
    [rule] = [r for r in events.list_rules()["Rules"] if "MailFeedbackRule" in r["Name"]]
    [target] = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    pattern = EventPattern.load(rule["EventPattern"])
    ours = deployed.environment["SES_CONFIGURATION_SET"]

    def from_set(name: str, configuration_set: str) -> Any:  # moto types its events by TypedDict
        event = copy.deepcopy(feedback(name))
        event["detail"]["mail"]["tags"]["ses:configuration-set"] = [configuration_set]
        return event

    # Then it sits on the default bus, feeds the consumer's queue, and takes only our mail
    assert rule.get("EventBusName", "default") == "default"
    queue = boto3.client("sqs").get_queue_attributes(
        QueueUrl=deployed.queue_urls["MailFeedbackQueue"], AttributeNames=["QueueArn"])
    assert target["Arn"] == queue["Attributes"]["QueueArn"]
    assert all(pattern.matches_event(from_set(name, ours)) for name in (BOUNCED, TRANSIENT, COMPLAINED, SENT))
    assert not pattern.matches_event(from_set(BOUNCED, "another-app"))
    delivered = from_set(BOUNCED, ours) | {"detail-type": "Email Delivered"}
    assert not pattern.matches_event(delivered)



def test_a_send_event_settles_a_delivery_in_flight_and_nothing_else(deployed: Any, aws_calls: Any) -> None:
    from chalicelib.core import keys, store

    # Given the sample's run claimed Ada's report and Kath's, and only Kath's worker recorded its send
    run_id = "5e8d2a4c9b1f3706"
    for email, outcome in (("ada@example.com", "sending"), ("kath@example.com", "sent")):
        store.put({**keys.report_delivery(run_id, email), "run_id": run_id, "email": email, "outcome": outcome,
                   "claimed_at": "2030-03-10T09:00:03+00:00", "attempts": 1})
    kath = copy.deepcopy(sample_event(SENT))
    kath["Records"][0]["body"] = kath["Records"][0]["body"].replace("ada@example.com", "kath@example.com")

    # When SES's Send events for both arrive, and Ada's again
    from app import app
    from clubflow.dev.pump import LocalContext

    handler = app.handler_map["record_mail_feedback"]
    results = [handler(event, LocalContext("record_mail_feedback")) for event in (sample_event(SENT), kath)]
    ada = store.get(keys.report_delivery(run_id, "ada@example.com"))
    again = handler(sample_event(SENT), LocalContext("record_mail_feedback"))

    # Then Ada's delivery is sent, as SES says, Kath's is untouched, and the repeat writes nothing
    assert results == [{"batchItemFailures": []}] * 2 and again == {"batchItemFailures": []}
    assert ada is not None and (ada["outcome"], ada["confirmed_by"]) == ("sent", "ses")
    assert ada["ses_message_id"] == feedback(SENT)["detail"]["mail"]["messageId"]
    assert store.get(keys.report_delivery(run_id, "kath@example.com")) == {
        **keys.report_delivery(run_id, "kath@example.com"), "run_id": run_id, "email": "kath@example.com",
        "outcome": "sent", "claimed_at": "2030-03-10T09:00:03+00:00", "attempts": 1}
    assert store.get(keys.report_delivery(run_id, "ada@example.com")) == ada
    assert aws_calls.of("dynamodb").count("UpdateItem") == 1


def test_a_send_ses_never_confirms_goes_once_more_then_is_given_up(
    deployed: Any, monkeypatch: Any, pump: Any, outbox: Any
) -> None:
    from datetime import timedelta

    from chalicelib.core import clock, deliveries, keys, mail, store

    # Given a worker that dies after claiming an email and before SES has it, every time
    def dies(*_: Any, **__: Any) -> str:
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(mail, "send", dies)
    built: list[str] = []

    def build() -> mail.Email:
        built.append("once more")
        return mail.Email(to="ada@example.com", subject="Hello", template="registration_reminder", context={})

    again = ("ReminderDue", {"event_id": "e", "registration_id": "r", "email": "ada@example.com",
                             "starts_at": "2030-03-09T10:00:00+00:00"})
    start = clock.now()

    def send_at(minutes: int) -> str:
        monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=minutes))
        try:
            return deliveries.send_once("reminder", {"registration_id": "r"}, build, again)
        except RuntimeError:
            return "died"

    # When it is tried, retried at once, and again after the few minutes, twice
    outcomes = [send_at(0), send_at(1), send_at(6), send_at(12), send_at(30)]

    # Then it was built to send twice (the first try and one more), then given up as unconfirmed
    assert outcomes == ["died", "", "died", "", ""]
    assert built == ["once more"] * 2
    record = store.get(keys.mail_delivery(deliveries.delivery_id_of("reminder", {"registration_id": "r"})))
    assert record is not None
    assert (record["outcome"], record["unconfirmed"], record["attempts"]) == ("failed", True, 2)
    # And the retry after the first death was asked for on the bus, at the claim plus the few minutes
    scheduled = boto3.client("scheduler").list_schedules(GroupName=deployed.environment["SCHEDULER_GROUP"])
    assert any(s["Name"].startswith("delivery-check-") for s in scheduled["Schedules"])

