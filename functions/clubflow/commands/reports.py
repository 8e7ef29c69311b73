"""`clubflow reports sections|parts|preview|run|retry|status`: an event's summary report, through
the organiser API.

`sections` reads a Markdown file whose `## ` headings start the sections (a leading `# ` title
line is ignored) and replaces the report's editorial sections with them. `parts` shows or hides
the parts made from the event's data and sets the organisations listed. `preview` prints the
email as it would be sent now (--html FILE keeps its HTML part). `run` starts a run (--dry-run
counts who would get it and lists whom it would skip, and why; --test sends one copy to you,
--test-recipient to someone else; --correction sends the report as it is now to everyone the
sent one reached) and follows it until it is done or failed, unless --no-wait; `retry` sends a
run's report again to those it failed; `status` shows a run. A real run or a correction first
shows the event, whether it has happened, the report's sections and (at a terminal) how many
would get it, and asks; without a terminal it needs --yes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from chalicelib.core.text import display_title
from clubflow import confirm, progress, times
from clubflow.api import Api, add_arguments
from clubflow.cli import CommandError

FINISHED = ("done", "failed")
# The report's parts from the event's data, as the API names them.
PARTS = ("thanks", "speakers", "organisations", "slides", "vote", "call_for_hosts", "previous_hosts")
POLL_SECONDS = 2.0
WAIT_SECONDS = 600.0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "reports", help="write an event's report sections and send the report",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    details = __doc__.split("\n\n", 1)[1] if __doc__ else None

    sections = actions.add_parser("sections", help="set the report's sections from FILE.md",
                                  description=details)
    sections.add_argument("event_id", metavar="EVENT_ID")
    sections.add_argument("file", metavar="FILE.md", type=Path)
    sections.set_defaults(handler=save_sections)

    run = actions.add_parser("run", help="send the report (or a dry run) and follow it",
                             description=details)
    run.add_argument("event_id", metavar="EVENT_ID")
    run.add_argument("--dry-run", action="store_true", help="count the recipients; send nothing")
    run.add_argument("--test-recipient", metavar="EMAIL", help="send one copy to EMAIL only")
    run.add_argument("--test", action="store_true", help="send one copy to yourself (the key's organiser)")
    run.add_argument("--correction", action="store_true",
                     help="send the report as it is now, marked as a correction, to everyone the sent one reached")
    _following(run)
    confirm.add_yes(run, "send")
    run.set_defaults(handler=start_run)

    parts = actions.add_parser("parts", help="show or hide the report's parts; set the organisations listed",
                               description=details)
    parts.add_argument("event_id", metavar="EVENT_ID")
    parts.add_argument("--show", action="append", default=[], metavar="PART", choices=PARTS,
                       help=f"show this part ({', '.join(PARTS)}); repeat for more")
    parts.add_argument("--hide", action="append", default=[], metavar="PART", choices=PARTS,
                       help="hide this part; repeat for more")
    parts.add_argument("--organisation", action="append", metavar="NAME",
                       help="list this organisation in attendance (repeat; replaces the list)")
    parts.add_argument("--organisations-from-registrations", action="store_true",
                       help="list the organisations of the people who came again (drops an edited list)")
    parts.add_argument("--min-answers", metavar="K", type=int,
                       help="publish a poll only when at least K people answered it (5 or more)")
    parts.set_defaults(handler=save_parts)

    preview = actions.add_parser("preview", help="print the report email as it would be sent now",
                                 description=details)
    preview.add_argument("event_id", metavar="EVENT_ID")
    preview.add_argument("--html", metavar="FILE", type=Path, help="also write the HTML part to FILE")
    preview.set_defaults(handler=preview_report)

    retry = actions.add_parser("retry", help="send a run's report again to those it failed",
                               description=details)
    retry.add_argument("run_id", metavar="RUN_ID")
    _following(retry)
    retry.set_defaults(handler=retry_run)

    status = actions.add_parser("status", help="a run's status and counts")
    status.add_argument("run_id", metavar="RUN_ID")
    status.add_argument("--json", action="store_true", help="print the API's JSON")
    status.set_defaults(handler=show_run)

    for action in (sections, parts, preview, run, retry, status):
        add_arguments(action)


def _following(parser: argparse.ArgumentParser) -> None:
    """The options of a command that starts a run and follows it."""
    parser.add_argument("--no-wait", action="store_true", help="print the run id and return")
    parser.add_argument("--timeout", type=float, default=WAIT_SECONDS, metavar="SECONDS",
                        help=f"stop following after this long (default {WAIT_SECONDS:.0f})")
    parser.add_argument("--json", action="store_true", help="print the final run as JSON")


def split_sections(markdown: str) -> list[dict[str, str]]:
    """The `## ` sections of a Markdown text as the API's `{"title", "markdown"}` list.

    Headings inside fenced code blocks are text, not new sections. Raises CommandError for text
    before the first heading (other than a `# ` title) and for a heading with nothing under it.
    """
    sections: list[dict[str, Any]] = []
    preamble: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            sections.append({"title": line[3:].strip(), "lines": []})
        elif sections:
            sections[-1]["lines"].append(line)
        elif line.strip() and not line.startswith("# "):
            preamble.append(line)
    if preamble:
        raise CommandError(f"text before the first '## ' heading ({preamble[0].strip()[:40]!r}): "
                           "start each section with a '## Title' line")
    if not sections:
        raise CommandError("no '## ' headings: start each section with a '## Title' line")
    split = []
    for section in sections:
        body = "\n".join(section["lines"]).strip("\n")
        if not section["title"]:
            raise CommandError("a '## ' heading has no title")
        if not body.strip():
            raise CommandError(f"the section {section['title']!r} has no text under its heading")
        split.append({"title": section["title"], "markdown": body})
    return split


def save_sections(args: argparse.Namespace) -> int:
    try:
        markdown = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {args.file}: {error}") from None
    sections = split_sections(markdown)
    Api(args).call("PUT", f"/admin/events/{args.event_id}/report", {"sections": sections})
    titles = ", ".join(section["title"] for section in sections)
    print(f"Saved {len(sections)} section{'s' if len(sections) != 1 else ''} "
          f"of the report for {args.event_id}: {titles}.")
    return 0


def start_run(args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"dry_run": args.dry_run}
    if args.test_recipient:
        body["test_recipient"] = args.test_recipient
    if args.test:
        body["test_send"] = True
    if args.correction:
        body["correction"] = True
    api = Api(args)
    # A dry run sends nothing and a test goes to one chosen address: only a real run asks.
    if not args.dry_run and not args.test_recipient and not args.test and not confirm.confirmed(
            send_plan(api, args), "Send the report to everyone listed?", yes=args.yes,
            refusal="a report run emails everyone who consented and cannot be undone"):
        print("Nothing sent.", file=sys.stderr)
        return 1
    started: dict[str, Any] = api.call("POST", f"/admin/events/{args.event_id}/report-runs", body)
    return _follow(api, args, started)


def retry_run(args: argparse.Namespace) -> int:
    api = Api(args)
    started: dict[str, Any] = api.call("POST", f"/admin/report-runs/{args.run_id}/retry", {})
    return _follow(api, args, started)


def _follow(api: Api, args: argparse.Namespace, started: dict[str, Any]) -> int:
    run_id = started["run_id"]
    # stdout holds the run id (or the JSON) alone, for scripts; progress goes to stderr.
    if not args.json:
        print(run_id, flush=True)
    if args.no_wait:
        if args.json:
            print(json.dumps(started, indent=2))
        return 0
    print("Following the run (Ctrl-C stops following, not the run).", file=sys.stderr)
    run = follow_run(lambda: api.call("GET", f"/admin/report-runs/{run_id}"),
                     timeout=args.timeout, out=sys.stderr)
    if args.json:
        print(json.dumps(run, indent=2))
    elif run.get("dry_run") and run.get("skipped_people"):
        print(skipped_text(run), file=sys.stderr)
    if run["status"] == "failed":
        raise CommandError(f"run {run_id} failed: {run.get('reason', 'no reason given')}")
    return 0


def send_plan(api: Api, args: argparse.Namespace) -> list[str]:
    """What a real run would do: the event and whether it has happened, the report's sections,
    and (at a terminal, where someone will read it before answering) a dry run's count."""
    event: dict[str, Any] = api.call("GET", f"/admin/events/{args.event_id}")
    zone = event.get("timezone")
    ends = times.parse(event.get("ends_at"))
    happened = ("it has ended" if ends and ends < datetime.now(UTC)
                else "IT HAS NOT HAPPENED YET")
    try:
        report: dict[str, Any] = api.call("GET", f"/admin/events/{args.event_id}/report")
    except CommandError:
        report = {}  # no sections saved: the report holds the poll results and links alone
    titles = [section.get("title", "") for section in report.get("sections", [])]
    lines = [f"The summary report of {display_title(event)} ({args.event_id})",
             f"  event:       {times.span(event.get('starts_at'), event.get('ends_at'), zone)}: {happened}",
             f"  sections:    {len(titles)} ({', '.join(titles)})" if titles else
             "  sections:    NONE: only the poll results and links (`clubflow reports sections` adds them)"]
    if report.get("sent_run_id"):
        lines.append(f"  already sent by run {report['sent_run_id']}; each person gets it once")
    if not args.yes and confirm.at_terminal():
        dry = api.call("POST", f"/admin/events/{args.event_id}/report-runs", {"dry_run": True})
        counted = follow_run(lambda: api.call("GET", f"/admin/report-runs/{dry['run_id']}"),
                             timeout=args.timeout, out=None)
        lines.append(f"  recipients:  {counted.get('would_send', 0)} would get it; "
                     f"{counted.get('skipped', 0)} skipped (no consent, unsubscribed or bounced)")
        if counted.get("skipped_people"):
            lines += ["  " + line for line in skipped_text(counted).splitlines()]
    return lines


def save_parts(args: argparse.Namespace) -> int:
    both = set(args.show) & set(args.hide)
    if both:
        raise CommandError(f"--show and --hide both name {', '.join(sorted(both))}; choose one")
    if args.organisation and args.organisations_from_registrations:
        raise CommandError("give --organisation or --organisations-from-registrations, not both")
    api = Api(args)
    report: dict[str, Any] = api.call("GET", f"/admin/events/{args.event_id}/report")
    # PUT replaces the sections: send back the ones there are, with the changes.
    body: dict[str, Any] = {"sections": report.get("sections", [])}
    show = {**{part: True for part in args.show}, **{part: False for part in args.hide}}
    if show:
        body["show"] = show
    if args.organisation:
        body["organisations"] = args.organisation
    if args.organisations_from_registrations:
        body["organisations"] = None
    if args.min_answers is not None:
        body["min_answers"] = args.min_answers
    saved: dict[str, Any] = api.call("PUT", f"/admin/events/{args.event_id}/report", body)
    shown = [part for part, on in saved.get("show", {}).items() if on]
    hidden = [part for part, on in saved.get("show", {}).items() if not on]
    print(f"Shown: {', '.join(shown) or 'none'}. Hidden: {', '.join(hidden) or 'none'}.")
    print(f"Organisations{' (edited)' if saved.get('organisations_edited') else ''}: "
          f"{', '.join(saved.get('organisations', [])) or 'none'}.")
    print(f"Polls are published from {saved.get('min_answers')} answers.")
    return 0


def preview_report(args: argparse.Namespace) -> int:
    preview: dict[str, Any] = Api(args).call("GET", f"/admin/events/{args.event_id}/report/preview")
    print(f"To: {preview['to']}\nSubject: {preview['subject']}\n\n{preview['text']}")
    if args.html:
        args.html.write_text(preview["html"], encoding="utf-8")
        print(f"HTML part written to {args.html}", file=sys.stderr)
    return 0


def follow_run(fetch: Callable[[], dict[str, Any]], *, timeout: float, out: IO[str] | None,
               interval: float = POLL_SECONDS, sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Ask for the run every `interval` seconds, writing each change of progress to `out`,
    until it is done or failed; CommandError when it is still going after `timeout`."""
    return progress.follow(
        fetch, line=run_line, over=lambda run: run.get("status") in FINISHED, timeout=timeout, out=out,
        interval=interval, sleep=sleep, clock=clock,
        still_going=lambda run: (f"run {run.get('run_id')} is still {run.get('status')} after "
                                 f"{timeout:.0f} s; follow it with `clubflow reports status "
                                 f"{run.get('run_id')}`"))


def run_line(run: dict[str, Any]) -> str:
    """A run's progress in one line: status, then sent, skipped and failed of the recipients."""
    kind = ("dry run" if run.get("dry_run")
            else f"test send to {run['test_recipient']}" if run.get("test_recipient")
            else "correction" if run.get("correction_of") else "retry" if run.get("retry_of") else "run")
    line = f"{kind} {run.get('run_id', '')}: {run.get('status')}"
    if run.get("recipients") is not None:
        line += f"; {run['recipients']} recipients"
        if run.get("dry_run"):
            line += f", {run.get('would_send', 0)} would be sent, {run.get('skipped', 0)} skipped"
        else:
            line += (f": {run.get('sent', 0)} sent, {run.get('skipped', 0)} skipped, "
                     f"{run.get('failed', 0)} failed")
    if run.get("reason"):
        line += f" ({run['reason']})"
    return line


def skipped_text(run: dict[str, Any]) -> str:
    """Whom a dry run would skip, one person a line with the reason; and how many more."""
    people = run.get("skipped_people", [])
    lines = ["Skipped:"] + [f"  {person['email']}: {person['reason']}" for person in people]
    if int(run.get("skipped", 0)) > len(people):
        lines.append(f"  ...and {int(run['skipped']) - len(people)} more")
    return "\n".join(lines)


def show_run(args: argparse.Namespace) -> int:
    run: dict[str, Any] = Api(args).call("GET", f"/admin/report-runs/{args.run_id}")
    if args.json:
        print(json.dumps(run, indent=2))
        return 0
    print(run_line(run))
    if run.get("skipped_people"):
        print(skipped_text(run))
    return 0
