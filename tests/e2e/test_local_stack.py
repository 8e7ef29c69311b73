"""A newcomer's local stack: the API answers, organisers need their key, the demo series is
there, every email lands in the outbox, and due schedules fire when the pump is driven."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import LocalStack

NEW_EVENT = {
    "title": "Professions and Communities",
    "number": 49,
    "starts_at": "2030-04-11T10:00:00+01:00",
    "ends_at": "2030-04-11T16:00:00+01:00",
    "timezone": "Europe/London",
    "venue": "Ofgem, 10 South Colonnade, London",
    "host": "Ofgem",
    "capacity": 30,
}


def test_health_answers(local_stack: LocalStack) -> None:
    response = local_stack.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_organiser_creates_an_event_with_the_key_and_it_shows(local_stack: LocalStack) -> None:
    created = local_stack.admin("POST", "/admin/events", NEW_EVENT)
    assert created.status_code == 201, created.text
    event_id = created.json()["event_id"]

    listed = local_stack.get("/events", headers={"Accept": "application/json"}).json()
    assert event_id in [event["event_id"] for event in listed]
    page = local_stack.get("/events")
    assert page.status_code == 200
    assert "Professions and Communities" in page.text
    assert local_stack.get(f"/events/{event_id}").status_code == 200


def test_admin_routes_refuse_a_missing_or_wrong_key(local_stack: LocalStack) -> None:
    missing = local_stack.get("/admin/events")
    wrong = local_stack.get("/admin/events", headers={"Authorization": "Bearer cfk_not-a-real-key"})
    assert missing.status_code == 401
    assert wrong.status_code == 403
    assert "Communities of Practice" not in missing.text + wrong.text


def test_demo_series_has_event_48_hosted_by_close_brothers(local_stack: LocalStack) -> None:
    listed = local_stack.get("/events", headers={"Accept": "application/json"}).json()
    demo = [event for event in listed if event.get("number") == 48]
    assert len(demo) == 1
    assert demo[0]["title"] == "Communities of Practice"
    assert demo[0]["host"] == "Close Brothers"

    page = local_stack.get(f"/events/{demo[0]['event_id']}")
    assert page.status_code == 200
    assert "<form" in page.text
    assert 'name="email"' in page.text


def test_an_email_sent_through_ses_shows_in_the_outbox_with_live_links(
    local_stack: LocalStack, unique_email: str
) -> None:
    link = f"{local_stack.url}/events"
    local_stack.send_email(
        unique_email, "You're registered for Event 48",
        text=f"See you there. Manage your place: {link}",
        html=f'<p>See you there. <a href="{link}">Manage your place</a></p>',
        attachment=("event.ics", "text/calendar", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    )

    (sent,) = local_stack.outbox(to=unique_email)
    assert sent["to"] == [unique_email]
    assert sent["from"] == "CofEe Club <club@example.com>"
    assert sent["subject"] == "You're registered for Event 48"
    assert link in sent["text"]
    assert f'href="{link}"' in sent["html"]
    assert sent["attachments"][0]["filename"] == "event.ics"
    assert sent["attachments"][0]["content_type"] == "text/calendar"
    assert sent["headers"]["Subject"] == "You're registered for Event 48"
    assert sent["sent_at"] == "2030-03-07T09:00:00+00:00"

    readable = local_stack.get("/_dev/outbox.html", params={"to": unique_email})
    assert readable.headers["Content-Type"].startswith("text/html")
    assert "You&#39;re registered for Event 48" in readable.text
    assert f'<a href="{link}">{link}</a>' in readable.text
    as_received = local_stack.get(f"/_dev/outbox/{sent['id']}")
    assert f'<a href="{link}">Manage your place</a>' in as_received.text
    assert local_stack.get("/_dev/outbox/no-such-email").status_code == 404


def test_a_due_schedule_fires_onto_the_bus_when_the_pump_is_driven(local_stack: LocalStack) -> None:
    events, sqs, scheduler = (local_stack.aws(s) for s in ("events", "sqs", "scheduler"))
    buses = events.list_event_buses()["EventBuses"]
    bus = next(b for b in buses if b["Name"].startswith("clubflow-local"))
    # A queue of the test's own behind a rule, to see what reaches the bus.
    queue_url = sqs.create_queue(QueueName="e2e-schedule-check")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="e2e-schedule-check", EventBusName=bus["Name"],
                    EventPattern=json.dumps({"detail-type": ["E2eScheduleCheck"]}))
    events.put_targets(Rule="e2e-schedule-check", EventBusName=bus["Name"],
                       Targets=[{"Id": "queue", "Arn": queue_arn}])
    due = datetime.now(UTC) + timedelta(days=3)
    scheduler.create_schedule(
        Name="e2e-reminder", ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"}, ActionAfterCompletion="DELETE",
        Target={"Arn": bus["Arn"], "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
                "Input": json.dumps({"event_id": "e2e"}),
                "EventBridgeParameters": {"DetailType": "E2eScheduleCheck", "Source": "clubflow"}},
    )

    local_stack.pump()
    assert "e2e-reminder" in [s["Name"] for s in scheduler.list_schedules()["Schedules"]]

    local_stack.pump(now=due + timedelta(seconds=1))
    assert "e2e-reminder" not in [s["Name"] for s in scheduler.list_schedules()["Schedules"]]
    (message,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    delivered = json.loads(message["Body"])
    assert delivered["detail-type"] == "E2eScheduleCheck"
    assert delivered["detail"] == {"event_id": "e2e"}


def test_pump_refuses_a_time_without_an_offset(local_stack: LocalStack) -> None:
    response = local_stack.post("/_dev/pump", json={"now": "2030-03-09 10:00"})
    assert response.status_code == 400
    assert "offset" in response.json()["errors"]["now"]


def test_unknown_paths_are_404_not_api_gateways_403(local_stack: LocalStack) -> None:
    page = local_stack.get("/no/such/page", headers={"Accept": "text/html"})
    api = local_stack.get("/no/such/page", headers={"Accept": "application/json"})
    posted = local_stack.post("/nowhere", data={"a": "b"}, headers={"Accept": "application/json"})

    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert "We could not find that page" in page.text
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert api.status_code == 404
    assert api.json() == {"errors": {"_": "No such page."}}
    assert posted.status_code == 404
    # A method no route takes is an unknown path to API Gateway too, never a 5xx.
    assert local_stack.http.request("TRACE", f"{local_stack.url}/events", timeout=30).status_code == 404
    # The connection stays usable after a refused body.
    assert local_stack.get("/health").status_code == 200


def test_a_chunked_body_is_read_whole_and_the_connection_stays_usable(local_stack: LocalStack) -> None:
    # A body whose length is not known in advance goes chunked; API Gateway takes those.
    chunked = local_stack.post("/_dev/pump", data=iter([b'{"now": ', b'"2030-03-09 10:00"}']),
                               headers={"Content-Type": "application/json"})
    assert chunked.request.headers["Transfer-Encoding"] == "chunked"
    assert chunked.status_code == 400
    assert "offset" in chunked.json()["errors"]["now"]
    assert local_stack.get("/health").status_code == 200


def test_the_front_door_and_the_icon(local_stack: LocalStack) -> None:
    front = local_stack.get("/", allow_redirects=False)
    assert front.status_code == 302
    assert front.headers["Location"].endswith("/events")
    assert local_stack.get("/").url.endswith("/events")
    icon = local_stack.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["Content-Type"] == "image/svg+xml"
