"""SES's Send events in moto: every message the local SES accepts with a configuration set is
published to the default bus as SES publishes it (detail-type "Email Sent", the message's tags).

moto's SES v2 accepts `EmailTags` and `ConfigurationSetName` but keeps neither, and publishes no
configuration-set events. moto also hands every event on a bus to a rule that has no event
pattern (the retention job's schedule rule, on the default bus); in AWS such a rule only fires
on its schedule, so `apply()` makes it take no events. `apply()` wraps its SendEmail handler: once moto has accepted a
message, a Send event goes to the account's default bus through moto's own EventBridge (in the
process moto runs in, so the single-threaded server never calls itself), and the rules of
stacks/app.yaml route it as in AWS. The stack's configuration set publishes send events
(MailFeedbackDestination), so every message sent with one gets its event here.
"""

from __future__ import annotations

import base64
import email.policy
import json
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from typing import Any

SOURCE = "aws.ses"
DETAIL_TYPE = "Email Sent"
# How many headers of the message the event carries (SES truncates them too).
_HEADERS = 20

_applied: list[bool] = []
# The tags of each message accepted here, by SES message id (moto keeps none): what its events carried.
_tags: dict[str, dict[str, list[str]]] = {}


def apply() -> None:
    """Publish a Send event for every message moto's SES v2 accepts with a configuration set."""
    if _applied:
        return
    from moto.events.models import Rule
    from moto.sesv2.responses import SESV2Response

    original = SESV2Response.send_email
    to_targets = Rule.send_to_targets

    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        if self.scheduled_expression and not self.event_pattern.get_pattern():
            return  # a schedule rule: its targets hear only its schedule
        to_targets(self, original_event, transform_input)

    def send_email(self: SESV2Response) -> str:
        answer = original(self)
        params = json.loads(self.body)
        if params.get("ConfigurationSetName"):
            publish(self.current_account, self.region, params, json.loads(answer)["MessageId"])
        return answer

    SESV2Response.send_email = send_email  # type: ignore[method-assign]
    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]
    _applied.append(True)


def event(account: str, params: dict[str, Any], message_id: str, at: datetime) -> dict[str, Any]:
    """The Send event SES publishes for one accepted message (its EventBridge `detail`)."""
    destination = params.get("Destination") or {}
    to = [*destination.get("ToAddresses", []), *destination.get("CcAddresses", []),
          *destination.get("BccAddresses", [])]
    headers: list[dict[str, str]] = []
    raw = ((params.get("Content") or {}).get("Raw") or {}).get("Data")
    if raw:
        # The headers alone: the body (the largest part of a report) is never parsed again here.
        parsed = BytesHeaderParser(policy=email.policy.default).parsebytes(base64.b64decode(raw))
        headers = [{"name": name, "value": str(value)} for name, value in list(parsed.items())[:_HEADERS]]
        to = to or [str(parsed.get("To", ""))]
    tags: dict[str, list[str]] = {"ses:configuration-set": [params["ConfigurationSetName"]],
                                  "ses:caller-identity": ["local"]}
    if params.get("FromEmailAddress"):
        tags["ses:from-domain"] = [str(params["FromEmailAddress"]).rpartition("@")[2].rstrip(">")]
    for tag in params.get("EmailTags") or []:
        tags.setdefault(tag["Name"], []).append(tag["Value"])
    return {
        "eventType": "Send",
        "mail": {
            "timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "source": params.get("FromEmailAddress") or next(
                (h["value"] for h in headers if h["name"].lower() == "from"), ""),
            "sendingAccountId": account,
            "messageId": message_id,
            "destination": to,
            "headersTruncated": len(headers) >= _HEADERS,
            "headers": headers,
            "tags": tags,
        },
        "send": {},
    }


def sent_tags(message_id: str) -> dict[str, list[str]]:
    """The tags SES's events carry for a message accepted here (empty if none were published)."""
    return _tags.get(message_id, {})


def publish(account: str, region: str, params: dict[str, Any], message_id: str) -> None:
    from moto.events.models import events_backends

    detail = event(account, params, message_id, datetime.now(UTC))
    _tags[message_id] = detail["mail"]["tags"]
    events_backends[account][region].put_events([{
        "Source": SOURCE, "DetailType": DETAIL_TYPE, "Detail": json.dumps(detail),
        "EventBusName": "default", "Resources": [],
    }])
