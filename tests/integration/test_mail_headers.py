"""Headers of a good sender on every email: a Message-ID in the sending domain, Auto-Submitted on
what the system sends by itself, Reply-To the organisers where a person may answer, List-Id on
the report (sent alike to everyone who consented)."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.integration.nominations_steps import nominate
from tests.integration.registration_steps import JSON, create_event, register
from tests.integration.reports_steps import SECTIONS, save_sections, start_run

ORGANISERS = "CofEe Club organisers <organisers@example.com>"
EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch, deployed: Any) -> dict[str, EmailMessage]:
    """Each email as the mail module built it, by template (the last of each kind)."""
    from chalicelib.core import mail, settings

    monkeypatch.setenv("MAIL_REPLY_TO", ORGANISERS)
    settings.reset()
    kept: dict[str, EmailMessage] = {}
    build = mail.build

    def keep(message: mail.Email) -> EmailMessage:
        kept[message.template] = build(message)
        return kept[message.template]

    monkeypatch.setattr(mail, "build", keep)
    return kept


def test_each_kind_of_email_carries_the_headers_of_a_good_sender(
    built: dict[str, EmailMessage], client: Any, organiser_key: str, pump: Any
) -> None:
    # Given a registration, a host nomination, a topic suggestion and a report sent
    event_id = create_event(client, organiser_key)
    assert register(client, event_id, "ada@example.com", consent_report=True).status_code == 202
    assert nominate(client).status_code == 202
    client.http.post("/topics", headers=JSON, body=json.dumps({"title": "Mentoring", "email": "bo@example.com"}))
    pump.drain()
    assert save_sections(client, organiser_key, event_id, SECTIONS).status_code == 200
    assert start_run(client, organiser_key, event_id).status_code == 202
    pump.drain()
    assert {"registration_confirmed", "nomination_received", "nomination_for_organisers", "topic_confirm",
            "report"} <= set(built)

    # Then every Message-ID is in the sending domain (MAIL_FROM's), not a made-up one
    for template, message in built.items():
        assert str(message["Message-ID"]).endswith("@example.com>"), (template, message["Message-ID"])

    # The system's own notices are marked automatic; a person may answer the confirmation and
    # the nomination's acknowledgement, and those answers reach the organisers
    confirmed = built["registration_confirmed"]
    assert confirmed["Auto-Submitted"] == "auto-generated"
    assert confirmed["Reply-To"] == ORGANISERS
    assert built["nomination_received"]["Reply-To"] == ORGANISERS
    # A link to press is not a conversation: replies go nowhere special
    assert built["topic_confirm"]["Auto-Submitted"] == "auto-generated"
    assert built["topic_confirm"]["Reply-To"] is None
    # The organisers' notice of a nomination is answered to the nominee, once
    assert built["nomination_for_organisers"].get_all("Reply-To") == ["grace@example.com"]

    # The report is a mailing the organisers wrote: a List-Id, not marked automatic, answerable
    report = built["report"]
    assert report["List-Id"] == "CofEe Club reports <reports.example.com>"
    assert report["Auto-Submitted"] is None
    assert report["Reply-To"] == ORGANISERS
    assert report["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_without_an_organisers_address_no_reply_to_is_added(
    built: dict[str, EmailMessage], client: Any, organiser_key: str, pump: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core import settings

    monkeypatch.delenv("MAIL_REPLY_TO")
    settings.reset()
    event_id = create_event(client, organiser_key)
    register(client, event_id, "ada@example.com")
    pump.drain()

    assert built["registration_confirmed"]["Reply-To"] is None


def test_every_email_template_has_its_headers_decided() -> None:
    from chalicelib.core.mail import KINDS

    templates = {path.stem for path in EMAIL_TEMPLATES.glob("*.html") if not path.stem.startswith("_")}
    assert templates - set(KINDS) == set(), "add each new kind of email to chalicelib.core.mail.KINDS"
    assert set(KINDS) - templates == set()
