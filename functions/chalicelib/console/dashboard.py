"""The console's first page once signed in: upcoming events with their counts."""

from __future__ import annotations

from chalice import Response

from chalicelib.console.pages import Console
from chalicelib.events import service as events


def show(console: Console) -> Response:
    upcoming = [events.public_view(item) for item in events.upcoming_events()]
    return console.page("console/dashboard.html", events=upcoming)
