"""What an organiser sends to export or erase a person's data: one email address."""

from __future__ import annotations

from typing import Any

from chalicelib.core.validation import is_email, normalise_email

FIELDS = {"email"}


def read_person(data: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The normalised address, or the errors naming each field to correct."""
    errors: dict[str, str] = {}
    for name in sorted(set(data) - FIELDS):
        errors[name] = f"'{name}' is not a field here; send only 'email'."
    raw = data.get("email")
    if isinstance(raw, list) and len(raw) == 1:
        raw = raw[0]
    if not isinstance(raw, str) or not raw.strip():
        errors["email"] = "Enter the person's email address, like name@example.com."
        return None, errors
    email = normalise_email(raw)
    if not is_email(email):
        errors["email"] = "Enter an email address like name@example.com."
        return None, errors
    return (email if not errors else None), errors
