"""Reading the console's sign-in form: one email address."""

from __future__ import annotations

from typing import Any

from chalicelib.core.validation import Form

FIELDS = {"email"}


def read_sign_in(data: dict[str, Any]) -> tuple[str | None, Form]:
    form = Form(data)
    form.unknown(FIELDS)
    email = form.email()
    return (email if form.ok else None), form
