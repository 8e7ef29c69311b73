"""One renderer for every page and email: Jinja2 with autoescape on, templates from templates/.

In the deployment bundle the templates sit in chalicelib/templates (copied at package time);
in a checkout they are read from the repository's templates/ folder. Jinja2 is imported on first
use so that routes which render nothing do not pay for it at cold start.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from jinja2 import Environment

_HERE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    override = os.environ.get("TEMPLATES_DIR")
    if override:
        return Path(override)
    bundled = _HERE.parent / "templates"
    if bundled.is_dir():
        return bundled
    return _HERE.parents[2] / "templates"


def _local_time(value: str, zone: str, fmt: str = "%A %-d %B %Y, %H:%M") -> str:
    """Show a stored UTC time in the event's time zone."""
    from datetime import datetime

    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return moment.strftime(fmt) + " " + (moment.tzname() or "")


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from chalicelib.core.text import display_title

    class OptionalUndefined(StrictUndefined):
        """An optional field left out is no attribute at all: `{% if item.field %}` is false,
        while printing or looping over a missing field is still an error."""

        __slots__ = ()

        def __bool__(self) -> bool:  # type: ignore[override]
            return False

    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        # Plain-text emails (.txt) are not HTML-escaped; everything else is.
        autoescape=select_autoescape(
            enabled_extensions=("html", "xml"),
            disabled_extensions=("txt", "ics"),
            default=True,
            default_for_string=True,
        ),
        undefined=OptionalUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_time"] = _local_time
    env.filters["display_title"] = display_title
    return env


def render(template: str, **context: Any) -> str:
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    context.setdefault("base_url", settings.public_base_url)
    return environment().get_template(template).render(**context)
