"""One mail module for every email: HTML and plain-text parts rendered from templates,
optional attachments (calendar invites), sent through SES v2 as raw MIME so that what the
recipient gets is exactly what was built here (and what the local outbox shows).

The headers of a good sender are set here for every kind of email (KINDS): a Message-ID in the
sending domain, `Auto-Submitted: auto-generated` on what the system sends by itself (so
out-of-office replies stay away), `Reply-To` the organisers where a person may want to answer,
and `List-Id` on mail sent alike to many (the report), which mail clients can filter on."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from chalicelib.core import aws, render
from chalicelib.core.settings import get_settings
from chalicelib.core.text import one_line


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    # Set for an image the HTML shows inline (<img src="cid:...">), such as a check-in QR code.
    content_id: str | None = None


@dataclass(frozen=True)
class Kind:
    """What the headers say about one kind of email."""

    automatic: bool = True  # sent by the system on its own: Auto-Submitted: auto-generated (RFC 3834)
    answerable: bool = False  # a person may want to answer: Reply-To the organisers (MAIL_REPLY_TO)
    mailing: str | None = None  # sent alike to many: List-Id names this list (RFC 2919)


# Every email template, by what its headers say. A template not listed is automatic and not
# answerable (a test lists any such, so each new kind is decided here).
KINDS: dict[str, Kind] = {
    "registration_confirmed": Kind(answerable=True),
    "registration_waitlisted": Kind(answerable=True),
    "registration_repeated": Kind(answerable=True),
    "registration_cancelled": Kind(answerable=True),
    "registration_reminder": Kind(answerable=True),
    "waitlist_promoted": Kind(answerable=True),
    "place_offered": Kind(answerable=True),
    # Only a link to press: answers would go to an address not yet known to be real.
    "address_confirm": Kind(),
    "event_moved": Kind(answerable=True),
    "event_cancelled": Kind(answerable=True),
    # Written by the organisers to an event's people: not automatic, and answered to them.
    "event_message": Kind(automatic=False, answerable=True),
    "nomination_received": Kind(answerable=True),
    "nomination_decided": Kind(answerable=True),
    # Replies go to the nominee (its own Reply-To header), not back to the organisers.
    "nomination_for_organisers": Kind(),
    "slide_links": Kind(),
    "topic_confirm": Kind(),
    "vote_confirm": Kind(),
    "subscription_confirm": Kind(),
    "console_sign_in": Kind(),  # an organiser's one-time link to the console
    "poll_invitation": Kind(),
    "report_run_finished": Kind(),  # to the organisers: a run's counts
    # Written by the organisers for everyone who consented: a mailing, not an automatic notice.
    "report": Kind(automatic=False, answerable=True, mailing="reports"),
    # An event announced to the club's list: written by the organisers, sent alike to many.
    "announcement": Kind(automatic=False, answerable=True, mailing="news"),
}


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
    # A mailing's own unsubscribe link is its preferences link too.
    context.setdefault("preferences_url", context.get("unsubscribe_url", ""))
    # Every plain-text part ends alike (the HTML parts share emails/_layout.html's footer).
    text = (render.render(f"emails/{message.template}.txt", **context).rstrip("\n") + "\n"
            + render.render("emails/_footer.txt", **context))
    html = render.render(f"emails/{message.template}.html", **context)

    kind = KINDS.get(message.template, Kind())
    sender_name, sender = parseaddr(settings.mail_from)
    domain = sender.rpartition("@")[2] or "localhost"

    mime = EmailMessage()
    mime["From"] = settings.mail_from
    mime["To"] = message.to
    mime["Subject"] = subject
    mime["Date"] = formatdate(usegmt=True)
    mime["Message-ID"] = make_msgid(domain=domain)
    if kind.automatic:
        mime["Auto-Submitted"] = "auto-generated"
    if kind.answerable and settings.mail_reply_to:
        mime["Reply-To"] = settings.mail_reply_to
    if kind.mailing:
        mime["List-Id"] = f"{sender_name or domain} {kind.mailing} <{kind.mailing}.{domain}>"
    for name, value in message.headers.items():
        del mime[name]  # the message's own value wins (such as a nominee's Reply-To)
        mime[name] = value
    mime.set_content(text)
    mime.add_alternative(html, subtype="html")
    html_part = mime.get_body(("html",))
    for attachment in message.attachments:
        if attachment.content_id and html_part is not None:
            maintype, _, subtype = attachment.content_type.partition("/")
            html_part.add_related(attachment.data, maintype=maintype, subtype=subtype,
                                  cid=f"<{attachment.content_id}>", filename=attachment.filename,
                                  disposition="inline")
            continue
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


def preview(message: Email) -> dict[str, str]:
    """The email as it would be sent (subject, plain-text and HTML parts), sending nothing."""
    mime = build(message)
    parts = {part.get_content_type(): part.get_content() for part in mime.walk() if not part.is_multipart()}
    return {"to": message.to, "subject": str(mime["Subject"]), "text": parts["text/plain"],
            "html": parts["text/html"]}


# The SES message tag that names a message's delivery (core/deliveries.py): the configuration
# set's events carry it back, so SES's own record of a send can settle the delivery.
DELIVERY_TAG = "delivery"


def send(message: Email, delivery: str | None = None) -> str:
    """Send one email, tagged with its `delivery` if it has one; return the SES message id."""
    settings = get_settings()
    if not (message.context.get("preferences_url") or message.context.get("unsubscribe_url")):
        # Every email carries its recipient's preferences link (what they get, or nothing).
        from chalicelib.preferences import service as preferences

        link = preferences.link(parseaddr(message.to)[1] or message.to, preferences.CHOICES)
        message = replace(message, context={**message.context, "preferences_url": link})
    kwargs: dict[str, Any] = {
        "Destination": {"ToAddresses": [message.to]},
        "Content": {"Raw": {"Data": build(message).as_bytes()}},
    }
    if settings.ses_configuration_set:
        kwargs["ConfigurationSetName"] = settings.ses_configuration_set
    if delivery:
        kwargs["EmailTags"] = [{"Name": DELIVERY_TAG, "Value": delivery}]
    response = aws.sesv2().send_email(**kwargs)
    return str(response.get("MessageId", ""))
