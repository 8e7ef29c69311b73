"""Reading slide uploads (organisers) and slide requests (the public), and the file rules."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from chalicelib.core.form_guard import HONEYPOT, filled_honeypot
from chalicelib.core.validation import Form

MAX_BYTES = 100 * 1024 * 1024
MAX_FILENAME = 200

# Accepted file kinds: extension -> the content types browsers and operating systems report.
CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "pdf": ("application/pdf",),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",),
    "key": ("application/vnd.apple.keynote", "application/x-iwork-keynote-sffkey"),
    "zip": ("application/zip", "application/x-zip-compressed"),
}
UPLOAD_FIELDS = {"filename", "content_type", "size", "method"}
# PUT for a client that sends the bytes itself (the CLI); POST for a browser's form.
UPLOAD_METHODS = ("PUT", "POST")
REQUEST_FIELDS = {"email", "consent", HONEYPOT}


@dataclass(frozen=True)
class SlideUpload:
    filename: str
    content_type: str
    size: int
    method: str = "PUT"

    @property
    def extension(self) -> str:
        return extension_of(self.filename)


@dataclass(frozen=True)
class SlideRequest:
    email: str
    consent: bool
    # The hidden "website" field: people never see it, form-filling robots do.
    by_robot: bool


def extension_of(filename: str) -> str:
    _, dot, extension = filename.rpartition(".")
    return extension.lower() if dot else ""


def accepted_kinds() -> str:
    return ", ".join(f".{extension}" for extension in CONTENT_TYPES)


def check_filename(raw: str) -> str | None:
    """What is wrong with a file name, in words an organiser can act on; None if it is fine."""
    name = unicodedata.normalize("NFC", raw)
    if "/" in name or "\\" in name:
        return "Give the file's name only, without any folder, like slides.pdf."
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "The file name contains control characters; rename the file and try again."
    extension = extension_of(name)
    if extension not in CONTENT_TYPES:
        return f"Upload a {accepted_kinds()} file; '{name}' is not one of these."
    if not name[: -len(extension) - 1].strip(" ."):
        return "Give the file a name before its extension, like slides.pdf."
    return None


def check_content_type(filename: str, content_type: str) -> str | None:
    """Whether the declared type matches the file's extension; None if it does."""
    allowed = CONTENT_TYPES.get(extension_of(filename))
    if allowed is None:
        return None  # the file name's own message says what to do
    if content_type.split(";")[0].strip().lower() not in allowed:
        return f"For a .{extension_of(filename)} file use the content type {' or '.join(allowed)}."
    return None


def guess_content_type(filename: str) -> str | None:
    """The usual content type for a file name, for the command line."""
    allowed = CONTENT_TYPES.get(extension_of(filename))
    return allowed[0] if allowed else None


def read_upload(data: dict[str, Any]) -> tuple[SlideUpload | None, dict[str, str]]:
    form = Form(data)
    form.unknown(UPLOAD_FIELDS)
    filename = form.text("filename", "the file's name", max_len=MAX_FILENAME)
    content_type = form.text("content_type", "the file's content type", max_len=120)
    size = form.integer("size", "the file's size in bytes", minimum=1, maximum=MAX_BYTES)
    method = form.choice("method", "how the file is sent", UPLOAD_METHODS, required=False, default="PUT")
    if size is None and _too_large(data.get("size")):
        form.errors["size"] = "The file is larger than 100 MB; compress it or split it into parts."
    if filename:
        problem = check_filename(filename)
        if problem:
            form.error("filename", problem)
        elif content_type:
            mismatch = check_content_type(filename, content_type)
            if mismatch:
                form.error("content_type", mismatch)
    if not form.ok:
        return None, form.errors
    assert filename and content_type and size
    return SlideUpload(
        filename=unicodedata.normalize("NFC", filename),
        content_type=content_type.split(";")[0].strip().lower(),
        size=size,
        method=method or "PUT",
    ), {}


def _too_large(raw: Any) -> bool:
    try:
        return not isinstance(raw, bool) and int(str(raw).strip()) > MAX_BYTES
    except ValueError:
        return False


def read_request(data: dict[str, Any], policy: str) -> tuple[SlideRequest | None, Form]:
    """An email address, and for the `consented` policy the ticked consent box."""
    form = Form(data)
    form.unknown(REQUEST_FIELDS)
    email = form.email()
    consent = form.boolean("consent")
    if policy == "consented" and not consent and "consent" not in form.errors:
        form.error("consent", "Tick the box to agree that the club may contact you; "
                              "the slides for this event are shared on that basis.")
    by_robot = filled_honeypot(data)
    form.values.pop(HONEYPOT, None)
    if not form.ok:
        return None, form
    assert email
    return SlideRequest(email=email, consent=consent, by_robot=by_robot), form


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients and the exact name as UTF-8 for the rest."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\%' else "_"
        for c in unicodedata.normalize("NFKD", filename)
        if not unicodedata.combining(c)
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def size_text(size: int) -> str:
    """A file size as people read it: 812 KB, 4.2 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
