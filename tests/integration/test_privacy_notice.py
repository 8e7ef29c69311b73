"""The privacy notice: served at /privacy with its contact and periods from configuration, and
linked from every form and from the footer of every email (HTML and plain text)."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_email_layout import every_kind_of_email
from tests.integration.registration_steps import create_event

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"


def test_the_notice_states_the_configured_contact_and_periods(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core import settings

    monkeypatch.setenv("PRIVACY_CONTACT", "privacy@club.example.org")
    monkeypatch.setenv("RETENTION_MONTHS", "18")
    monkeypatch.setenv("NEEDS_RETENTION_DAYS", "14")
    monkeypatch.setenv("DOWNLOAD_LOG_RETENTION_MONTHS", "6")
    settings.reset()

    response = client.http.get("/privacy")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    page = response.body.decode()
    assert 'href="mailto:privacy@club.example.org"' in page
    assert "erased 14 days after the event" in page
    assert "erased 18 months after the event" in page
    assert "erased after 6 months" in page
    assert "shared only with the host of that event" in page


def test_the_contact_defaults_to_the_organisers_address(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import settings

    monkeypatch.delenv("PRIVACY_CONTACT", raising=False)
    monkeypatch.setenv("MAIL_REPLY_TO", "CofEe Club organisers <organisers@example.com>")
    settings.reset()

    page = client.http.get("/privacy").body.decode()

    assert 'href="mailto:organisers@example.com"' in page
    assert "erased 24 months after the event" in page and "erased 30 days after the event" in page


def privacy_link() -> str:
    from chalicelib.core.settings import get_settings

    return f"{get_settings().public_base_url}/privacy"


def test_every_form_links_the_notice(client: Any, organiser_key: str) -> None:
    event_id = create_event(client, organiser_key)
    for path in ("/events", f"/events/{event_id}", "/topics", "/nominations/host"):
        page = client.http.get(path).body.decode()
        assert "<form" in page or path == "/events", path
        # The site's footer on every page, and a line next to the button of each form
        assert page.count(f'href="{privacy_link()}"') >= (2 if "<form" in page else 1), path


def test_every_email_footer_links_the_notice(
    client: Any, organiser_key: str, pump: Any, outbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core import mail

    built: dict[str, EmailMessage] = {}
    build = mail.build

    def keep(message: mail.Email) -> EmailMessage:
        built[message.template] = build(message)
        return built[message.template]

    monkeypatch.setattr(mail, "build", keep)
    every_kind_of_email(client, organiser_key, pump, outbox)
    templates = {path.stem for path in EMAIL_TEMPLATES.glob("*.html") if not path.stem.startswith("_")}
    assert set(built) == templates, f"no email sent of kind: {templates - set(built)}"

    link = privacy_link()
    for template, message in built.items():
        html, text = message.get_body(("html",)), message.get_body(("plain",))
        assert html is not None and text is not None, template
        footer = str(html.get_content()).rpartition("border-top:1px solid #e3ddd3")[2]
        assert f'<a href="{link}"' in footer, template
        assert str(text.get_content()).rstrip().endswith(link), template
