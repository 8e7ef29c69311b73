"""Form validation that names each field and says what to do, for HTML forms and JSON alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.core import clock
from chalicelib.core.text import one_line, paragraphs

_HALF_PAIR = re.compile("[\ud800-\udfff]")
_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0", ""}
MAX_EMAIL = 254
EMAIL_EXAMPLE = "Enter an email address like name@example.com."


def _hidden(char: str) -> bool:
    # Control, format (zero-width, bidi), separator and unassigned characters show nothing or
    # reorder what is shown: an address holding one is not the address a person sees.
    return unicodedata.category(char)[0] in "CZ"


# Checking an address costs about a millisecond; a report batch checks each of its 50 twice.
@lru_cache(maxsize=1024)
def _checked_email(raw: str) -> tuple[str | None, str | None]:
    """(the canonical address, None) or (None, a message a person can act on)."""
    text = raw.strip()
    if not text:
        return None, "Enter your email address."
    hidden = next((c for c in text if _hidden(c)), None)
    if hidden is not None:
        name = unicodedata.name(hidden, "a control character")
        return None, (f"Your email address holds a hidden character (U+{ord(hidden):04X}, {name}): "
                      "type it again rather than pasting it.")
    local = text.rpartition("@")[0]
    foreign = next((c for c in local if not c.isascii()), None)
    if foreign is not None:
        return None, (f"Use only Latin letters a-z, digits and . _ + - before the @; "
                      f"'{foreign}' (U+{ord(foreign):04X}) is not one of them.")
    # Imported here: only the routes that read an address pay for it (about 20 ms).
    from email_validator import EmailNotValidError, validate_email

    try:
        # Syntax only: no DNS look-up on a request path. An internationalised domain comes
        # back IDNA-encoded, so every spelling of one address is one identity.
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None, EMAIL_EXAMPLE
    address = str(checked.ascii_email or "").lower()
    if not address or len(address) > MAX_EMAIL:
        return None, EMAIL_EXAMPLE
    return address, None


def normalise_email(raw: str) -> str:
    """One address, one identity: trimmed, the domain IDNA-encoded, all lower-cased.

    Something that is not an address comes back trimmed and lower-cased, and `is_email` refuses it.
    """
    address, _ = _checked_email(raw)
    return address if address is not None else raw.strip().lower()


def is_email(value: str) -> bool:
    """Whether `value` is an address in the one form we store (as `normalise_email` gives)."""
    address, _ = _checked_email(value)
    return address is not None and address == value


class Form:
    """Reads fields from a parsed body, collecting one message per bad field.

    `values` keeps what the person typed, so an HTML form can be shown again filled in.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def _raw(self, name: str) -> Any:
        value = self.data.get(name)
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        return value

    def text(self, name: str, label: str, *, required: bool = True, max_len: int = 200) -> str | None:
        """Text exactly as typed but for blank space at either end: addresses, codes, file names,
        which are checked, never rewritten. People's words are read with `line` or `paragraphs`."""
        return self._read(name, label, required, max_len, str.strip)

    def line(self, name: str, label: str, *, required: bool = True, max_len: int = 200) -> str | None:
        """One line of text (a title, a name, a venue): line breaks and control characters
        become single spaces."""
        return self._read(name, label, required, max_len, one_line)

    def paragraphs(self, name: str, label: str, *, required: bool = False,
                   max_len: int = 2000) -> str | None:
        """Multi-line text (a description, a message): line breaks kept, control characters gone."""
        return self._read(name, label, required, max_len, paragraphs)

    def _read(self, name: str, label: str, required: bool, max_len: int,
              clean: Callable[[str], str]) -> str | None:
        raw = self._raw(name)
        value = clean(raw) if isinstance(raw, str) else raw
        if value is None or value == "":
            self.values[name] = ""
            if required:
                self.error(name, f"Enter {label}.")
            return None
        if not isinstance(value, str):
            self.error(name, f"{label.capitalize()} must be text.")
            return None
        if _HALF_PAIR.search(value):
            # JSON can carry half of a surrogate pair: no character, and it cannot be stored or shown.
            self.values[name] = ""
            self.error(name, f"{label.capitalize()} holds a character that is not text; type it again.")
            return None
        self.values[name] = raw.strip()
        if len(value) > max_len:
            self.error(name, f"Keep {label} to {max_len} characters or fewer.")
            return None
        return value

    def email(self, name: str = "email", *, required: bool = True) -> str | None:
        """A checked address in its one stored form (see `normalise_email`).

        Read raw, not through `text`: a hidden character is refused, never quietly removed.
        """
        raw = self._raw(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            self.values[name] = ""
            if required:
                self.error(name, "Enter your email address.")
            return None
        if not isinstance(raw, str):
            self.error(name, "Your email address must be text.")
            return None
        self.values[name] = raw.strip()
        if len(raw.strip()) > MAX_EMAIL:
            self.error(name, f"Keep your email address to {MAX_EMAIL} characters or fewer.")
            return None
        address, problem = _checked_email(raw)
        if address is None:
            self.error(name, problem or EMAIL_EXAMPLE)
        return address

    def boolean(self, name: str) -> bool:
        raw = self._raw(name)
        if isinstance(raw, bool):
            self.values[name] = raw
            return raw
        text = str(raw if raw is not None else "").strip().lower()
        if text in _TRUE:
            self.values[name] = True
            return True
        if text not in _FALSE:
            self.error(name, "Choose yes or no.")
        self.values[name] = False
        return False

    def integer(self, name: str, label: str, *, minimum: int, maximum: int,
                required: bool = True) -> int | None:
        raw = self._raw(name)
        if raw is None or raw == "":
            self.values[name] = ""
            if required:
                self.error(name, f"Enter {label}.")
            return None
        self.values[name] = raw
        if isinstance(raw, bool):
            self.error(name, f"{label.capitalize()} must be a whole number.")
            return None
        try:
            value = int(str(raw).strip())
        except ValueError:
            self.error(name, f"{label.capitalize()} must be a whole number.")
            return None
        if not minimum <= value <= maximum:
            self.error(name, f"{label.capitalize()} must be between {minimum} and {maximum}.")
            return None
        return value

    def moment(self, name: str, label: str, *, required: bool = True,
               zone: str | None = None) -> datetime | None:
        """An ISO 8601 time. Without an offset it is read in `zone` (the event's time zone)."""
        raw = self.text(name, label, required=required, max_len=40)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            self.error(name, f"Enter {label} as a date and time, like 2026-03-12T10:00:00+00:00.")
            return None
        if moment.tzinfo is None:
            if not zone:
                if "timezone" in self.errors:
                    return None  # read in the event's zone, once it names one: its error says so
                self.error(name, f"Give {label} with its offset, like 2026-03-12T10:00:00+00:00.")
                return None
            moment = moment.replace(tzinfo=ZoneInfo(zone))
        return moment.astimezone(clock.now().tzinfo)

    def timezone(self, name: str = "timezone", *, required: bool = True) -> str | None:
        value = self.text(name, "the event's time zone", required=required, max_len=64)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.error(name, _unknown_zone(value))
            return None
        return value

    def choice(self, name: str, label: str, choices: tuple[str, ...], *,
               required: bool = True, default: str | None = None) -> str | None:
        raw = self._raw(name)
        if raw in (None, "") and default is not None:
            self.values[name] = default
            return default
        value = self.text(name, label, required=required, max_len=40)
        if value is None:
            return None
        if value not in choices:
            self.error(name, f"Choose {label} from: {', '.join(choices)}.")
            return None
        return value

    def unknown(self, allowed: set[str]) -> None:
        """Name fields the route does not take, so a typo in a JSON key is not silently lost."""
        for name in sorted(set(self.data) - allowed):
            self.error(name, f"'{name}' is not a field here; allowed fields: {', '.join(sorted(allowed))}.")


def _unknown_zone(value: str) -> str:
    # Only on this error path: listing the zones reads the whole tz database.
    from difflib import get_close_matches
    from zoneinfo import available_timezones

    close = get_close_matches(value, sorted(available_timezones()), n=1, cutoff=0.8)
    if close:
        return f"Unknown time zone '{value}': did you mean {close[0]}?"
    return f"Unknown time zone '{value}': use an IANA time zone name, like Europe/London."
