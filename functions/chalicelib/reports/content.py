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
from chalicelib.reports import charts, event_parts, markdown
from chalicelib.reports.forms import ReportSettings
from chalicelib.slides import service as slides
from chalicelib.topics import service as topics

# Each recipient's copy carries a personal vote link for at most this many topics.
VOTE_TOPICS = 3
VOTE_LINK_DAYS = 30

# --- organisers: the editorial sections --------------------------------------------------------


def save_report(event_id: str, settings: ReportSettings, organiser: str) -> dict[str, Any]:
    """Replace the report's editorial sections and change the settings given (minimum of
    answers, parts shown, organisations, ready and its automatic run); a ready report with
    send_after_days has its run scheduled, anything else has it cancelled. Raises NotFound for
    an unknown event."""
    event = events.get_event(event_id)
    if event is None:
        raise NotFound("event")
    expression = "SET event_id = :event_id, #sections = :sections, updated_at = :now, updated_by = :by"
    vals: dict[str, Any] = {":event_id": event_id, ":sections": [s.as_dict() for s in settings.sections],
                            ":now": clock.iso(clock.now()), ":by": organiser}
    changes = {"min_answers": settings.min_answers, "show": settings.show, "organisations": settings.organisations,
               "ready": settings.ready, "send_after_days": settings.send_after_days}
    for name, value in changes.items():
        if value is not None:
            expression += f", #{name} = :{name}"
            vals[f":{name}"] = value
    removed = [f"#{name}" for name, reset in (("organisations", settings.reset_organisations),
                                              ("send_after_days", settings.reset_send_after_days)) if reset]
    if removed:
        expression += " REMOVE " + ", ".join(removed)
    names = {f"#{name}": name for name in ("sections", *changes) if f"#{name}" in expression}
    report = store.update(keys.report(event_id), expression, names=names, vals=vals)
    return replan(event, report)


def replan(event: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """Set, move or cancel the report's automatic run from its settings and the event's end;
    keep when it starts on the report."""
    from chalicelib.reports import automation

    starts_at = automation.plan(event, report)
    if starts_at == report.get("auto_send_at"):
        return report
    if starts_at:
        return store.update(keys.report(event["event_id"]), "SET auto_send_at = :at", vals={":at": starts_at})
    return store.update(keys.report(event["event_id"]), "REMOVE auto_send_at")


def get_report(event_id: str) -> dict[str, Any] | None:
    return store.get(keys.report(event_id))


def report_view(event_id: str, report: dict[str, Any] | None) -> dict[str, Any]:
    """The report's settings as organisers see them, with the organisations it would list now
    (`organisations_edited` says whether they are the organisers' own list)."""
    report = report or {}
    return {"event_id": event_id, "sections": report.get("sections", []),
            "min_answers": int(report.get("min_answers", charts.DEFAULT_MIN_ANSWERS)),
            "show": event_parts.shown(report),
            "organisations": event_parts.organisations(event_id, report),
            "organisations_edited": report.get("organisations") is not None,
            "ready": bool(report.get("ready")), "send_after_days": report.get("send_after_days"),
            "auto_send_at": report.get("auto_send_at"),
            "updated_at": report.get("updated_at"), "sent_run_id": report.get("real_run_id"),
            "published_at": report.get("published_at")}


# --- the report itself ----------------------------------------------------------------------------------



def report_content(event: dict[str, Any]) -> dict[str, Any]:
    """What the report says: the editorial sections, each poll's results as a chart with its
    headline sentences (withheld below the report's minimum of answers), and where to find the
    slides, vote on topics and offer to host."""
    event_id = event["event_id"]
    base = get_settings().public_base_url
    report = get_report(event_id) or {}
    sections = [{"title": s["title"], "html": markdown.to_html(s["markdown"]), "text": markdown.to_text(s["markdown"])}
                for s in report.get("sections", [])]
    min_answers = int(report.get("min_answers", charts.DEFAULT_MIN_ANSWERS))
    results = [charts.poll_chart(found, min_answers)
               for found in polls.results_of(polls.event_polls(event_id)) if found.get("total")]
    show = event_parts.shown(report)
    return {
        "event": event, "title": display_title(event), "sections": sections, "polls": results,
        "thanks": show["thanks"] and bool(event.get("host")),
        "speakers": event.get("speakers", []) if show["speakers"] else [],
        "organisations": event_parts.organisations(event_id, report) if show["organisations"] else [],
        "previous_hosts": event_parts.previous_hosts(event) if show["previous_hosts"] else [],
        "slides_url": (f"{base}/events/{event_id}/slides"
                       if show["slides"] and slides.published_files(event_id) else ""),
        "topics_url": f"{base}/topics" if show["vote"] else "",
        "host_url": f"{base}/nominations/host" if show["call_for_hosts"] else "",
    }


def vote_topics(event_id: str, report: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """The topics each recipient may vote for with their own links: the most voted, when the
    report shows the vote."""
    report = report if report is not None else (get_report(event_id) or {})
    if not event_parts.shown(report)["vote"]:
        return []
    return [{"topic_id": topic["topic_id"], "title": topic["title"]}
            for topic in topics.listed_topics()[:VOTE_TOPICS]]


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


def publish(event_id: str, run_id: str, body_key: str, starts_at: str) -> None:
    """Make a real run's rendered report the event's web version (first published time kept),
    listed in the archive by the event's start."""
    listing = keys.report_listing(starts_at, event_id)
    store.update(
        keys.report(event_id),
        "SET published_run_id = :run_id, published_key = :key, published_at = if_not_exists(published_at, :now), "
        "gsi1pk = :gpk, gsi1sk = :gsk",
        vals={":run_id": run_id, ":key": body_key, ":now": clock.iso(clock.now()),
              ":gpk": listing["gsi1pk"], ":gsk": listing["gsi1sk"]},
        return_values="NONE",
    )


def published_reports(limit: int = 200) -> list[dict[str, Any]]:
    """The series' published reports with their events, newest event first (an index query)."""
    found = []
    for report in store.query(keys.REPORT_LISTING_PK, index=keys.GSI1, forward=False, limit=limit):
        event = events.get_event(report["event_id"])
        if event is not None:
            found.append({"event": event, "title": display_title(event), "published_at": report.get("published_at"),
                          "url": f"{get_settings().public_base_url}/reports/{event['event_id']}"})
    return found


def is_published(event_id: str) -> bool:
    """Whether the event's report has a web version (a real run has sent it)."""
    return bool((get_report(event_id) or {}).get("published_key"))


@lru_cache(maxsize=8)
def rendered(body_key: str) -> tuple[str, str]:
    """A kept report's HTML and text."""
    # A worker handles many batches of one run: fetch the rendered report once, not per batch.
    s3, bucket = aws.s3(), get_settings().reports_bucket
    html = s3.get_object(Bucket=bucket, Key=f"{body_key}.html")["Body"].read().decode()
    text = s3.get_object(Bucket=bucket, Key=f"{body_key}.txt")["Body"].read().decode()
    return html, text


# --- the public: the web version -------------------------------------------------------------------------


def published_report(event_id: str) -> tuple[dict[str, Any], str] | None:
    """The event and the report's HTML as it was sent, once a real run has published it."""
    report = get_report(event_id)
    event = events.get_event(event_id)
    if not report or not report.get("published_key") or event is None:
        return None
    html, _ = rendered(report["published_key"])
    return event, html
