"""What a summary report says: the organisers' editorial sections, each poll's results, and
links to the slides, the topics and the call for hosts; rendered once per run and kept in the
reports bucket, where the web version is read from."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.core import aws, clock, keys, render, store
from chalicelib.core.errors import NotFound
from chalicelib.core.settings import get_settings
from chalicelib.core.text import display_title
from chalicelib.events import service as events
from chalicelib.polls import service as polls
from chalicelib.reports import markdown
from chalicelib.reports.forms import Section
from chalicelib.slides import service as slides

# --- organisers: the editorial sections --------------------------------------------------------


def save_report(event_id: str, sections: list[Section], organiser: str) -> dict[str, Any]:
    """Replace the report's editorial sections. Raises NotFound for an unknown event."""
    if events.get_event(event_id) is None:
        raise NotFound("event")
    return store.update(
        keys.report(event_id),
        "SET event_id = :event_id, #sections = :sections, updated_at = :now, updated_by = :by",
        names={"#sections": "sections"},
        vals={":event_id": event_id, ":sections": [s.as_dict() for s in sections],
              ":now": clock.iso(clock.now()), ":by": organiser},
    )


def get_report(event_id: str) -> dict[str, Any] | None:
    return store.get(keys.report(event_id))


def report_view(event_id: str, report: dict[str, Any] | None) -> dict[str, Any]:
    report = report or {}
    return {"event_id": event_id, "sections": report.get("sections", []),
            "updated_at": report.get("updated_at"), "sent_run_id": report.get("real_run_id"),
            "published_at": report.get("published_at")}


# --- the report itself ----------------------------------------------------------------------------------



def report_content(event: dict[str, Any]) -> dict[str, Any]:
    """What the report says: the editorial sections, each poll's results in sentences with whole
    percentages, and where to find the slides, vote on topics and offer to host."""
    event_id = event["event_id"]
    base = get_settings().public_base_url
    report = get_report(event_id) or {}
    sections = [{"title": s["title"], "html": markdown.to_html(s["markdown"]), "text": markdown.to_text(s["markdown"])}
                for s in report.get("sections", [])]
    results = []
    for poll in polls.event_polls(event_id):
        found = polls.poll_results(poll["poll_id"])
        if found and found.get("total"):
            results.append({"question": found["question"], "lines": found["summary"]})
    return {
        "event": event, "title": display_title(event), "sections": sections, "polls": results,
        "slides_url": f"{base}/events/{event_id}/slides" if slides.published_files(event_id) else "",
        "topics_url": f"{base}/topics", "host_url": f"{base}/nominations/host",
    }


def render_report(event: dict[str, Any]) -> tuple[str, str]:
    """The report's body as HTML and as plain text, the same for every recipient."""
    content = report_content(event)
    return (render.render("partials/report_body.html", **content),
            render.render("partials/report_body.txt", **content))


# --- kept as rendered: the run's copy and the web version -------------------------------------------------


def keep_rendered(event_id: str, run_id: str, html: str, text: str) -> str:
    """Store a run's rendered report in the reports bucket; return its key (without extension)."""
    body_key = f"reports/{event_id}/{run_id}"
    s3, bucket = aws.s3(), get_settings().reports_bucket
    s3.put_object(Bucket=bucket, Key=f"{body_key}.html", Body=html.encode(), ContentType="text/html; charset=utf-8")
    s3.put_object(Bucket=bucket, Key=f"{body_key}.txt", Body=text.encode(), ContentType="text/plain; charset=utf-8")
    return body_key


def publish(event_id: str, run_id: str, body_key: str) -> None:
    """Make a real run's rendered report the event's web version (first published time kept)."""
    store.update(
        keys.report(event_id),
        "SET published_run_id = :run_id, published_key = :key, published_at = if_not_exists(published_at, :now)",
        vals={":run_id": run_id, ":key": body_key, ":now": clock.iso(clock.now())},
        return_values="NONE",
    )


@lru_cache(maxsize=8)
def rendered(body_key: str) -> tuple[str, str]:
    """A kept report's HTML and text."""
    # A worker handles many batches of one run: fetch the rendered report once, not per batch.
    s3, bucket = aws.s3(), get_settings().reports_bucket
    html = s3.get_object(Bucket=bucket, Key=f"{body_key}.html")["Body"].read().decode()
    text = s3.get_object(Bucket=bucket, Key=f"{body_key}.txt")["Body"].read().decode()
    return html, text


# --- the public: the web version -------------------------------------------------------------------------


def is_published(event_id: str) -> bool:
    """Whether the event's report has a web version (a real run has sent it)."""
    return bool((get_report(event_id) or {}).get("published_key"))


def published_report(event_id: str) -> tuple[dict[str, Any], str] | None:
    """The event and the report's HTML as it was sent, once a real run has published it."""
    report = get_report(event_id)
    event = events.get_event(event_id)
    if not report or not report.get("published_key") or event is None:
        return None
    html, _ = rendered(report["published_key"])
    return event, html
