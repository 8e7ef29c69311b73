"""Slides: the rules for uploading an event's files, asking for them by email, and downloading
them through expiring, counted links.

Files live in a private bucket. Organisers upload with a presigned PUT that binds the content
type and size; people get one emailed `/s/{token}` link per file, and each click is logged and
answered with a presigned GET minted at that moment and valid for five minutes.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import ClientError

from chalicelib.core import aws, clock, hashing, keys, mail, outbox, rate_limits, store, tokens
from chalicelib.core.domain_events import SlidesRequested
from chalicelib.core.errors import Invalid, NotFound
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.events import service as events
from chalicelib.registration import service as registrations
from chalicelib.slides import forms
from chalicelib.slides.forms import SlideRequest, SlideUpload

TOKEN_PURPOSE = "slides"  # noqa: S105 - what a token is for, not a secret
SLIDES_REQUESTED = "SlidesRequested"
POLICIES = ("registered", "consented", "public")
MAX_FILES = 20
UPLOAD_URL_SECONDS = 30 * 60
DOWNLOAD_URL_SECONDS = 5 * 60
REQUESTS_PER_EMAIL_PER_HOUR = 3
# A second request this soon after a link was emailed is a double submit, not a lost email.
RESEND_GAP = timedelta(seconds=60)
CONSENT_TEXT = "I agree that the CofEe Club may contact me about its events."

_FILE_ID = re.compile(r"[0-9a-f]{12}")
_FILE_FIELDS = ("file_id", "filename", "content_type", "size", "status", "created_at",
                "created_by", "uploaded_at", "downloads")


class TooManyFiles(Invalid):
    """An event holds at most MAX_FILES files."""

    def __init__(self) -> None:
        super().__init__({"filename": f"This event already holds {MAX_FILES} files; "
                                      "remove one before adding another."})


@dataclass(frozen=True)
class UploadPlan:
    file_id: str
    key: str
    upload_url: str
    headers: dict[str, str]
    expires_in: int


@dataclass(frozen=True)
class UploadForm:
    """A presigned POST: where a browser posts the file, and the fields to send before it."""

    file_id: str
    url: str
    fields: dict[str, str]
    max_size: int
    expires_in: int


@dataclass(frozen=True)
class Download:
    url: str
    filename: str


@dataclass(frozen=True)
class Offer:
    """What an emailed link would download, seen without using it."""

    event_id: str
    filename: str
    size: int
    uses_left: int
    expires_at: datetime


# --- organisers: upload, list, remove -------------------------------------------------------


def object_key(event_id: str, file_id: str, extension: str) -> str:
    """Where a file lives in the bucket; the original name is given back only on download."""
    return f"slides/{event_id}/{file_id}.{extension}"


def start_upload(event_id: str, upload: SlideUpload, organiser: str) -> UploadPlan:
    """Record a new file of the event and return a presigned PUT for it.

    The URL is signed with the content type and exact size, so S3 refuses any other body.
    Raises TooManyFiles when the event already holds MAX_FILES files.
    """
    if len(_file_items(event_id)) >= MAX_FILES:
        raise TooManyFiles()
    file_id = secrets.token_hex(6)
    key = object_key(event_id, file_id, upload.extension)
    headers = {"Content-Type": upload.content_type, "Content-Length": str(upload.size)}
    url = aws.s3().generate_presigned_url(
        "put_object",
        Params={"Bucket": _bucket(), "Key": key, "ContentType": upload.content_type,
                "ContentLength": upload.size},
        ExpiresIn=UPLOAD_URL_SECONDS,
    )
    _record_file(event_id, file_id, key, upload, organiser, status="pending")
    return UploadPlan(file_id, key, url, headers, UPLOAD_URL_SECONDS)


def start_form_upload(event_id: str, upload: SlideUpload, organiser: str) -> UploadForm:
    """Record a new file of the event and return a presigned POST for a browser to send it.

    A browser posts a file as a form; S3 answers it with CORS, so a page can show progress.
    The policy binds the key, the content type and the exact size, as the PUT's signature does.
    Raises TooManyFiles when the event already holds MAX_FILES files.
    """
    if len(_file_items(event_id)) >= MAX_FILES:
        raise TooManyFiles()
    file_id = secrets.token_hex(6)
    key = object_key(event_id, file_id, upload.extension)
    post = aws.s3().generate_presigned_post(
        Bucket=_bucket(), Key=key, Fields={"Content-Type": upload.content_type},
        Conditions=[{"Content-Type": upload.content_type},
                    ["content-length-range", upload.size, upload.size]],
        ExpiresIn=UPLOAD_URL_SECONDS,
    )
    _record_file(event_id, file_id, key, upload, organiser, status="pending")
    return UploadForm(file_id, post["url"], dict(post["fields"]), upload.size, UPLOAD_URL_SECONDS)


def blank_upload_form(event_id: str, redirect: str) -> UploadForm:
    """A presigned POST for a plain HTML form, where nothing knows the file before it is sent:
    any size up to MAX_BYTES, under a new file's own prefix with the browser's file name
    (S3 fills in ${filename}), and S3 sends the browser on to `redirect` with the key.

    Nothing is recorded until finish_form_upload: a page shown and never used leaves nothing.
    """
    file_id = secrets.token_hex(6)
    post = aws.s3().generate_presigned_post(
        Bucket=_bucket(), Key=f"{_form_prefix(event_id, file_id)}${{filename}}",
        Fields={"success_action_redirect": redirect},
        Conditions=[{"success_action_redirect": redirect}, ["content-length-range", 1, forms.MAX_BYTES]],
        ExpiresIn=UPLOAD_URL_SECONDS,
    )
    return UploadForm(file_id, post["url"], dict(post["fields"]), forms.MAX_BYTES, UPLOAD_URL_SECONDS)


def form_upload_name(event_id: str, key: str) -> str | None:
    """The file name a plain form's upload arrived under ("" when S3 did not fill it in, as the
    local stack's does not); None when the key is not a form upload of this event."""
    file_id, _, name = key.removeprefix(_form_prefix(event_id, "")).partition("/")
    if not key.startswith(_form_prefix(event_id, "")) or not _FILE_ID.fullmatch(file_id) or "/" in name:
        return None
    return "" if name == "${filename}" else name


def finish_form_upload(event_id: str, key: str, filename: str, organiser: str) -> dict[str, Any]:
    """Record a file a plain form sent to the bucket, under `filename` (the name people see).

    Recording it again changes nothing. Raises NotFound when no such upload arrived, Invalid
    for a name that is not an accepted kind of file, TooManyFiles when the event is full.
    """
    if form_upload_name(event_id, key) is None:
        raise NotFound("upload")
    file_id = key.removeprefix(_form_prefix(event_id, "")).partition("/")[0]
    existing = store.get(keys.slide(event_id, file_id))
    if existing is not None:
        return existing
    problem = forms.check_filename(filename) if filename else "Give the file's name, like slides.pdf."
    if problem:
        raise Invalid({"filename": problem})
    try:
        head = aws.s3().head_object(Bucket=_bucket(), Key=key)
    except ClientError as missing:
        raise NotFound("upload") from missing
    if len(_file_items(event_id)) >= MAX_FILES:
        raise TooManyFiles()
    name = unicodedata.normalize("NFC", filename)
    upload = SlideUpload(filename=name, content_type=forms.guess_content_type(name) or "application/octet-stream",
                         size=int(head["ContentLength"]))
    try:
        return _record_file(event_id, file_id, key, upload, organiser, status="ready",
                            uploaded_at=clock.iso(head["LastModified"]))
    except store.ConditionFailed:
        return store.get(keys.slide(event_id, file_id)) or {}


def _record_file(event_id: str, file_id: str, key: str, upload: SlideUpload, organiser: str, *,
                 status: str, uploaded_at: str | None = None) -> dict[str, Any]:
    item = {
        **keys.slide(event_id, file_id),
        "event_id": event_id,
        "file_id": file_id,
        "filename": upload.filename,
        "content_type": upload.content_type,
        "size": upload.size,
        "key": key,
        "status": status,
        "downloads": 0,
        "created_at": clock.iso(clock.now()),
        "created_by": organiser,
        "uploaded_at": uploaded_at,
    }
    store.put(item, condition="attribute_not_exists(pk)")
    return {name: value for name, value in item.items() if value is not None}


def _form_prefix(event_id: str, file_id: str) -> str:
    # A file of its own folder: the browser's file name is kept whole, whatever it is.
    return f"slides/{event_id}/{file_id}/" if file_id else f"slides/{event_id}/"


def list_files(event_id: str) -> list[dict[str, Any]]:
    """Every file of the event, oldest first; uploads that have arrived are marked ready."""
    items = [_confirm(item) if item.get("status") != "ready" else item
             for item in _file_items(event_id)]
    return sorted(items, key=lambda item: str(item.get("created_at", "")))


def published_files(event_id: str) -> list[dict[str, Any]]:
    """The files people can download: those whose upload has arrived."""
    return [item for item in list_files(event_id) if item.get("status") == "ready"]


def remove_file(event_id: str, file_id: str) -> bool:
    """Delete the file and its record; its links stop working. False if there is no such file."""
    item = store.get(keys.slide(event_id, file_id))
    if item is None:
        return False
    aws.s3().delete_object(Bucket=_bucket(), Key=item["key"])
    store.delete(keys.slide(event_id, file_id))
    return True


def download_report(event: dict[str, Any]) -> dict[str, Any]:
    """Files with their download counts, who downloaded what, and the leads the slides brought,
    for organisers and the summary report."""
    event_id = event["event_id"]
    downloads = [
        {"email": item["email"], "file_id": item["file_id"], "filename": item["filename"],
         "at": item["at"]}
        for item in store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.DOWNLOAD_PREFIX,
                                forward=False)
    ]
    files = []
    for item in list_files(event_id):
        view = {name: item.get(name) for name in _FILE_FIELDS}
        view["downloads"] = int(item.get("downloads", 0))
        view["downloaded_by"] = sorted({d["email"] for d in downloads
                                        if d["file_id"] == item["file_id"]})
        files.append(view)
    return {
        "event_id": event_id,
        "slide_policy": event.get("slide_policy") or "registered",
        "files": files,
        "downloads": downloads,
        "totals": {"downloads": len(downloads), "people": len({d["email"] for d in downloads})},
        "leads": leads(event_id),
    }


# --- the public: ask for the slides ----------------------------------------------------------


def request_slides(event: dict[str, Any], request: SlideRequest) -> None:
    """Accept a request for the event's slides; the answer never depends on who asked.

    Within the rate limits the request is put on the bus, where the policy is applied and the
    links are emailed; robots and requests over the limits are dropped without a word.
    """
    if request.by_robot:
        logger.info("slide request dropped: honeypot filled", extra={"event_id": event["event_id"]})
        return
    if not rate_limits.within_hourly_limits([
        # Per address only: a cap for everyone would let strangers use up real attendees'
        # requests; each client is limited at the route (core/rate_limits).
        ("slides-email", hashing.email_digest(request.email), REQUESTS_PER_EMAIL_PER_HOUR),
    ]):
        logger.info("slide request dropped: rate limit", extra={"event_id": event["event_id"]})
        return
    outbox.put(SLIDES_REQUESTED, {
        "request_id": secrets.token_hex(16),
        "event_id": event["event_id"],
        "email": request.email,
        "consent": request.consent,
        "requested_at": clock.iso(clock.now()),
    })


# --- the worker: apply the policy and email the links ----------------------------------------


def may_receive(event: dict[str, Any], email: str, consent: bool) -> bool:
    """Whether the event's slide policy lets this person have the slides."""
    policy = event.get("slide_policy") or "registered"
    if policy == "public":
        return True
    if policy == "consented":
        return consent
    # Registered: confirmed or on the waiting list (they asked to come); a cancellation is not.
    registration = registrations.get_registration(event["event_id"], email)
    return registration is not None and registration.get("status") != registrations.CANCELLED


def send_slide_links(request: SlidesRequested) -> bool:
    """Email one download link per published file to someone the policy allows.

    Returns whether an email was sent. Safe to call again for the same request: a request
    answered within RESEND_GAP by another one (a double submit) sends nothing more.
    """
    event = events.get_event(request["event_id"])
    email = request["email"]
    if event is None or not may_receive(event, email, bool(request.get("consent"))):
        return False
    if (event.get("slide_policy") or "registered") == "consented":
        record_lead(event["event_id"], email, request["requested_at"])
    files = published_files(event["event_id"])
    if not files or not _claim_send(event["event_id"], email, request["request_id"]):
        return False
    settings = get_settings()
    links = [
        {"filename": item["filename"], "size": forms.size_text(int(item["size"])),
         "url": _link(issue_link(item, email), event["event_id"])}
        for item in files
    ]
    title = display_title(event)
    mail.send(mail.Email(
        to=email,
        subject=f"Your slides from {title}",
        template="slide_links",
        context={"event": event, "title": title, "links": links,
                 "days": settings.slide_link_days, "uses": settings.slide_link_uses,
                 "slides_page": f"{settings.public_base_url}/events/{event['event_id']}/slides"},
    ))
    return True


def issue_link(item: dict[str, Any], email: str) -> str:
    """A token for one file and one person: valid slide_link_days, slide_link_uses downloads."""
    settings = get_settings()
    return tokens.issue_token(
        TOKEN_PURPOSE,
        {"event_id": item["event_id"], "file_id": item["file_id"], "email": email,
         "key": item["key"], "filename": item["filename"], "content_type": item["content_type"]},
        ttl=timedelta(days=settings.slide_link_days),
        max_uses=settings.slide_link_uses,
    )


def record_lead(event_id: str, email: str, consented_at: str) -> None:
    """Remember someone who agreed to be contacted; the first consent time is kept."""
    _upsert(
        keys.slide_lead(event_id, email),
        {"email": email, "event_id": event_id, "source": "slides", "consent_text": CONSENT_TEXT,
         "last_consented_at": consented_at,
         **keys.person(email, keys.person_slides(event_id, "lead"))},
        first_only={"consented_at": consented_at},
    )


def leads(event_id: str) -> list[dict[str, Any]]:
    """People who asked for this event's slides and agreed to be contacted."""
    return [
        {"email": item["email"], "consented_at": item["consented_at"]}
        for item in store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.LEAD_PREFIX)
    ]


def _claim_send(event_id: str, email: str, request_id: str) -> bool:
    now = clock.now()
    try:
        _upsert(
            keys.slide_request(event_id, email),
            {"email": email, "event_id": event_id, "last_sent_at": clock.iso(now),
             "last_request_id": request_id,
             **keys.person(email, keys.person_slides(event_id, "request"))},
            first_only={"first_sent_at": clock.iso(now)},
            # A retry of the same request may send; another request within the gap may not.
            condition="attribute_not_exists(#last_sent_at) OR #last_sent_at < :cutoff "
                      "OR #last_request_id = :last_request_id",
            extra_vals={":cutoff": clock.iso(now - RESEND_GAP)},
        )
    except store.ConditionFailed:
        logger.info("slide links already sent moments ago", extra={"event_id": event_id})
        return False
    return True


def _upsert(key: keys.Key, fields: dict[str, Any], *, first_only: dict[str, Any] | None = None,
            condition: str | None = None, extra_vals: dict[str, Any] | None = None) -> None:
    first = first_only or {}
    parts = [f"#{name} = :{name}" for name in fields]
    parts += [f"#{name} = if_not_exists(#{name}, :{name})" for name in first]
    store.update(
        key, "SET " + ", ".join(parts), condition=condition,
        names={f"#{name}": name for name in (*fields, *first)},
        vals={**{f":{name}": value for name, value in {**fields, **first}.items()},
              **(extra_vals or {})},
        return_values="NONE",
    )


def _link(raw_token: str, event_id: str) -> str:
    # The event in the query lets an expired link's page offer a new one; it says nothing
    # about the token itself.
    return f"{get_settings().public_base_url}/s/{raw_token}?{urlencode({'event': event_id})}"


# --- the public: download ---------------------------------------------------------------------


def download_offer(raw_token: str) -> Offer | None:
    """The file a link offers, for its page; looking uses nothing (mail scanners open links).

    None for unknown, expired, used-up or forged links and for files since removed.
    """
    token = tokens.peek(raw_token, TOKEN_PURPOSE)
    if token is None:
        return None
    data = token.data
    item = store.get(keys.slide(data["event_id"], data["file_id"]))
    if item is None:
        return None
    return Offer(event_id=data["event_id"], filename=data["filename"], size=int(item.get("size", 0)),
                 uses_left=token.max_uses - token.uses,
                 expires_at=datetime.fromtimestamp(token.expires_at, tz=UTC))


def download_origin() -> str:
    """Where presigned downloads are served from (no S3 client is built for it)."""
    return aws.s3_origin(_bucket())


def record_download(raw_token: str) -> Download | None:
    """Use the link once, log who downloaded which file and when, and mint a short-lived URL.

    None for unknown, expired, used-up or forged links and for files since removed.
    """
    token = tokens.redeem(raw_token, TOKEN_PURPOSE)
    if token is None:
        return None
    data = token.data
    event_id, file_id, email = data["event_id"], data["file_id"], data["email"]
    try:
        store.update(keys.slide(event_id, file_id), "ADD downloads :one",
                     condition="attribute_exists(pk)", vals={":one": 1}, return_values="NONE")
    except store.ConditionFailed:
        return None
    at = clock.iso(clock.now())
    store.put({
        **keys.slide_download(event_id, at, secrets.token_hex(6)),
        **keys.person(email, keys.person_slides(event_id, "download", at)),
        "event_id": event_id,
        "file_id": file_id,
        "filename": data["filename"],
        "email": email,
        "at": at,
        "use": token.uses,
    })
    url = aws.s3().generate_presigned_url(
        "get_object",
        Params={"Bucket": _bucket(), "Key": data["key"],
                "ResponseContentDisposition": forms.content_disposition(data["filename"]),
                "ResponseContentType": data["content_type"]},
        ExpiresIn=DOWNLOAD_URL_SECONDS,
    )
    return Download(url=url, filename=data["filename"])


# --- helpers ------------------------------------------------------------------------------------


def _bucket() -> str:
    return get_settings().slides_bucket


def _file_items(event_id: str) -> list[dict[str, Any]]:
    return list(store.query(keys.event_prefix_pk(event_id), sk_prefix=keys.SLIDE_PREFIX))


def _confirm(item: dict[str, Any]) -> dict[str, Any]:
    """Mark a pending file ready once its upload has arrived in the bucket."""
    try:
        head = aws.s3().head_object(Bucket=_bucket(), Key=item["key"])
    except ClientError:
        return item
    try:
        return store.update(
            keys.slide(item["event_id"], item["file_id"]),
            "SET #status = :ready, uploaded_at = :at, #size = :size",
            condition="attribute_exists(pk)",
            names={"#status": "status", "#size": "size"},
            vals={":ready": "ready", ":at": clock.iso(head["LastModified"]),
                  ":size": int(head["ContentLength"])},
        )
    except store.ConditionFailed:
        return item


# --- a person's data (export, erasure) ----------------------------------------------------------

# What each kind of a person's slide items is called in an export, by its `what` in the index.
_PERSON_KINDS = {"request": "slide_requests", "lead": "slide_leads", "download": "slide_downloads"}


def _person_items(email: str) -> list[dict[str, Any]]:
    return list(store.query(keys.person_pk(email), index=keys.GSI2, sk_prefix=keys.PERSON_SLIDES))


def export_person(email: str) -> dict[str, list[dict[str, Any]]]:
    """The person's slide requests, leads (with the consent they gave) and downloads."""
    exported: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _PERSON_KINDS.values()}
    for item in _person_items(email):
        exported[_PERSON_KINDS[_what(item)]].append(keys.stored_fields(item))
    return exported


def erase_person(email: str) -> int:
    """Delete the person's slide requests, leads and download log entries; return how many.

    Each file's download count is kept: it counts downloads, not people.
    """
    items = _person_items(email)
    for item in items:
        store.delete(keys.primary_key(item))
    return len(items)


def _what(item: dict[str, Any]) -> str:
    if item.get("sk", "").startswith(keys.SLIDE_REQUEST_PREFIX):
        return "request"
    if item.get("sk", "").startswith(keys.LEAD_PREFIX):
        return "lead"
    return "download"
