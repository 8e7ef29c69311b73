"""Console pages for an event's slides: upload from the browser straight to the bucket, list the
files with their downloads and who downloaded them, remove one.

The upload form posts the file to S3 itself (a presigned POST; the file never passes through a
function). With the page's script the browser first asks for a policy bound to the file's name,
type and size, then sends it showing progress; without it, the plain form sends any accepted
file up to 100 MB and S3 sends the browser back here to name and record it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from chalicelib.console import pages
from chalicelib.core import middleware, web
from chalicelib.core.errors import Invalid, NotFound
from chalicelib.core.settings import get_settings
from chalicelib.events import service as events
from chalicelib.slides import forms, service

blueprint = Blueprint(__name__)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _uploaded_url(event_id: str) -> str:
    return f"{get_settings().public_base_url}/console/events/{event_id}/slides/uploaded"


@pages.route(blueprint, "/console/events/{event_id}/slides")
def event_slides(console: pages.Console, event_id: str) -> Response:
    event = web.found(events.get_event(event_id), "event")
    upload = service.blank_upload_form(event_id, _uploaded_url(event_id))
    report = service.download_report(event)
    response = console.page("console/slides.html", event=event, upload=upload, report=report,
                            size_text=forms.size_text, accepted=forms.accepted_kinds(),
                            full=len(report["files"]) >= service.MAX_FILES, max_files=service.MAX_FILES)
    # The form posts to the bucket, and the page's script sends the file there.
    bucket = _origin(upload.url)
    response.headers["Content-Security-Policy"] = middleware.content_security_policy(bucket, connect_to=(bucket,))
    return response


@pages.route(blueprint, "/console/events/{event_id}/slides/uploads", methods=["POST"])
def start_upload(console: pages.Console, event_id: str) -> Response:
    """The page's script: a presigned POST bound to this file's name, type and exact size."""
    web.found(events.get_event(event_id), "event")
    sent = dict(console.form)
    if not sent.get("content_type") and isinstance(sent.get("filename"), str):
        # Browsers know no type for some kinds (Keynote): the name's usual one.
        sent["content_type"] = forms.guess_content_type(sent["filename"]) or ""
    upload = web.valid(forms.read_upload({**sent, "method": "POST"}))
    form = service.start_form_upload(event_id, upload, console.organiser)
    return web.json_response({"file_id": form.file_id, "upload_url": form.url, "fields": form.fields}, 201)


@pages.route(blueprint, "/console/events/{event_id}/slides/uploaded")
def name_upload(console: pages.Console, event_id: str) -> Response:
    """Where S3 sends the browser after a plain form's upload: name the file, then record it."""
    event = web.found(events.get_event(event_id), "event")
    key = str(console.query.get("key") or "")
    name = service.form_upload_name(event_id, key)
    if name is None:
        raise NotFound("upload")
    return console.page("console/slides_uploaded.html", event=event, key=key,
                        values={"filename": name}, errors={})


@pages.route(blueprint, "/console/events/{event_id}/slides/uploaded", methods=["POST"])
def record_upload(console: pages.Console, event_id: str) -> Response:
    event = web.found(events.get_event(event_id), "event")
    posted: dict[str, Any] = console.form
    key, filename = str(posted.get("key") or ""), str(posted.get("filename") or "").strip()
    try:
        item = service.finish_form_upload(event_id, key, filename, console.organiser)
    except Invalid as invalid:  # a name of another kind of file, or the event is full
        return console.page("console/slides_uploaded.html", 400, event=event, key=key,
                            values={"filename": filename}, errors=invalid.errors)
    return console.redirect(f"/console/events/{event_id}/slides", flash=f"Uploaded: {item['filename']}")


@pages.route(blueprint, "/console/events/{event_id}/slides/{file_id}/remove", methods=["POST"])
def remove(console: pages.Console, event_id: str, file_id: str) -> Response:
    if not service.remove_file(event_id, file_id):
        raise NotFound("file")
    return console.redirect(f"/console/events/{event_id}/slides",
                            flash="The file is removed; its links no longer work.")
