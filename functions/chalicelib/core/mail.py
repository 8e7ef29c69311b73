"""One mail module for every email: HTML and plain-text parts rendered from templates,
optional attachments (calendar invites), sent through SES v2 as raw MIME so that what the
recipient gets is exactly what was built here (and what the local outbox shows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from chalicelib.core import aws, render
from chalicelib.core.settings import get_settings
from chalicelib.core.text import one_line


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    template: str
    context: dict[str, Any]
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def build(message: Email) -> EmailMessage:
    """Render `emails/<template>.txt` and `.html` into a multipart MIME message."""
    settings = get_settings()
    # Subjects are built from what people typed; a line break would end the header.
    subject = one_line(message.subject)
    context = {**message.context, "subject": subject}
    text = render.render(f"emails/{message.template}.txt", **context)
    html = render.render(f"emails/{message.template}.html", **context)

    mime = EmailMessage()
    mime["From"] = settings.mail_from
    mime["To"] = message.to
    mime["Subject"] = subject
    mime["Date"] = formatdate(usegmt=True)
    mime["Message-ID"] = make_msgid(domain="clubflow")
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(text)
    mime.add_alternative(html, subtype="html")
    for attachment in message.attachments:
        maintype, _, rest = attachment.content_type.partition("/")
        subtype, *pairs = (part.strip() for part in rest.split(";"))
        params = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
        if (maintype, subtype) == ("text", "calendar"):
            # Calendar clients look for the method parameter on the part itself (REQUEST/CANCEL).
            params.setdefault("method", "REQUEST")
        mime.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype,
            filename=attachment.filename, params=params,
        )
    return mime


def send(message: Email) -> str:
    """Send one email; return the SES message id."""
    settings = get_settings()
    kwargs: dict[str, Any] = {
        "Destination": {"ToAddresses": [message.to]},
        "Content": {"Raw": {"Data": build(message).as_bytes()}},
    }
    if settings.ses_configuration_set:
        kwargs["ConfigurationSetName"] = settings.ses_configuration_set
    response = aws.sesv2().send_email(**kwargs)
    return str(response.get("MessageId", ""))
