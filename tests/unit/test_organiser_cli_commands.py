"""`clubflow events|polls|reports|nominations`: what each command asks the API, and how it shows
the answer. The API is replaced by a recorder; nothing goes over the network."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clubflow.cli import CommandError, main
from clubflow.commands.polls import results_text
from clubflow.commands.reports import follow_run, split_sections

API = ["--api", "http://api.test", "--key", "cfk_x"]
Answers = dict[tuple[str, str], Any]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Callable[[Answers], list[tuple[str, str, Any]]]:
    """Answer (method, path) with the given answers; return what the command asked."""

    def install(answers: Answers) -> list[tuple[str, str, Any]]:
        asked: list[tuple[str, str, Any]] = []

        def call(self: Any, method: str, path: str, body: Any = None) -> Any:
            asked.append((method, path, body))
            return answers[(method, path)]

        def text(self: Any, path: str) -> str:
            asked.append(("GET", path, None))
            return str(answers[("GET", path)])

        monkeypatch.setattr("clubflow.api.Api.call", call)
        monkeypatch.setattr("clubflow.api.Api.text", text)
        return asked

    return install


# --- events -------------------------------------------------------------------------------------


def test_create_sends_the_fields_given_and_prints_the_id_and_page(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api({("POST", "/admin/events"): {"event_id": "cop-49-a1b2c3", "event": {"title": "CoP"}}})

    code = main(["events", "create", "--title", "CoP", "--starts-at", "2030-03-09T10:00:00+00:00",
                 "--ends-at", "2030-03-09T16:00:00+00:00", "--timezone", "Europe/London",
                 "--venue", "London", "--host", "Acme", "--capacity", "80", "--number", "49", *API])

    assert code == 0
    assert asked == [("POST", "/admin/events", {
        "title": "CoP", "number": 49, "starts_at": "2030-03-09T10:00:00+00:00",
        "ends_at": "2030-03-09T16:00:00+00:00", "timezone": "Europe/London", "venue": "London",
        "host": "Acme", "capacity": 80})]
    out = capsys.readouterr()
    assert out.out == "cop-49-a1b2c3\n"
    assert "http://api.test/events/cop-49-a1b2c3" in out.err


def test_create_without_required_fields_is_a_usage_error(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api({})
    with pytest.raises(SystemExit) as exited:
        main(["events", "create", "--title", "CoP", *API])
    assert exited.value.code == 2
    assert "--starts-at" in capsys.readouterr().err
    assert asked == []


def test_update_sends_only_the_fields_given(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    event = {"event_id": "evt", "title": "CoP", "capacity": 90, "timezone": "Europe/London",
             "counts": {"confirmed": 80, "waitlisted": 0, "cancelled": 1, "attended": 0}}
    asked = api({("PATCH", "/admin/events/evt"): event})

    assert main(["events", "update", "evt", "--capacity", "90", *API]) == 0

    assert asked == [("PATCH", "/admin/events/evt", {"capacity": 90})]
    out = capsys.readouterr().out
    assert "Changed capacity of evt." in out
    assert "80 confirmed, 0 waitlisted, 1 cancelled, 0 attended" in out


def test_more_capacity_shows_the_counts_after_the_waiting_people_are_promoted(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given 80 confirmed and 2 waiting; the PATCH answers before the worker promotes them
    def event(confirmed: int, waiting: int) -> dict[str, Any]:
        return {"event_id": "evt", "title": "CoP", "capacity": 90, "timezone": "Europe/London",
                "counts": {"confirmed": confirmed, "waitlisted": waiting, "cancelled": 0, "attended": 0}}

    answers = iter([event(81, 1), event(82, 0)])
    asked: list[str] = []

    def call(self: Any, method: str, path: str, body: Any = None) -> Any:
        asked.append(method)
        return event(80, 2) if method == "PATCH" else next(answers)

    monkeypatch.setattr("clubflow.api.Api.call", call)
    monkeypatch.setattr("clubflow.commands.events.time.sleep", lambda seconds: None)

    # When the capacity goes up to 90
    assert main(["events", "update", "evt", "--capacity", "90", *API]) == 0

    # Then the command follows the event until nobody is left waiting, and shows those counts
    assert asked == ["PATCH", "GET", "GET"]
    out = capsys.readouterr()
    assert "82 confirmed, 0 waitlisted" in out.out
    assert "80 confirmed" not in out.out
    assert "Promoting" in out.err


def test_promotions_that_do_not_come_are_waited_for_no_longer_than_the_timeout() -> None:
    from clubflow.commands.events import after_promotions

    stuck = {"capacity": 90, "counts": {"confirmed": 80, "waitlisted": 2}}
    waits: list[float] = []
    shown = after_promotions(lambda: stuck, stuck, timeout=2, interval=0.5, sleep=waits.append,
                             clock=lambda: sum(waits))
    assert shown is stuck and waits == [0.5] * 4


def test_update_with_nothing_to_change_asks_nothing(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api({})
    assert main(["events", "update", "evt", *API]) == 2
    assert "at least one field" in capsys.readouterr().err
    assert asked == []


def test_list_is_a_table_with_confirmed_of_capacity(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    api({("GET", "/admin/events"): [
        {"event_id": "cop-49", "title": "Communities of Practice", "starts_at": "2030-03-09T10:00:00+00:00",
         "ends_at": "2030-03-09T16:00:00+00:00", "timezone": "Europe/London",
         "capacity": 80, "counts": {"confirmed": 12, "waitlisted": 0, "cancelled": 0, "attended": 0}},
    ]})

    assert main(["events", "list", *API]) == 0

    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["EVENT", "ID", "STARTS", "TITLE", "CONFIRMED", "WAITING"]
    assert row.split() == ["cop-49", "2030-03-09", "10:00", "GMT", "Communities", "of", "Practice",
                           "12/80", "0"]
    assert row.index("12/80") + len("12/80") == header.index("CONFIRMED") + len("CONFIRMED")


def _listed(event_id: str, starts: str, ends: str, zone: str = "America/New_York") -> dict[str, Any]:
    return {"event_id": event_id, "title": event_id, "starts_at": starts, "ends_at": ends, "timezone": zone,
            "capacity": 10, "counts": {"confirmed": 0, "waitlisted": 0, "cancelled": 0, "attended": 0}}


# As the API lists them: newest first, past and upcoming together.
LISTED = [
    _listed("later", "2091-03-09T23:30:00+00:00", "2091-03-10T01:00:00+00:00"),
    _listed("sooner", "2090-01-15T14:00:00+00:00", "2090-01-15T16:00:00+00:00", "Europe/London"),
    _listed("lately", "2021-06-01T09:00:00+00:00", "2021-06-01T12:00:00+00:00"),
    _listed("long-ago", "2019-06-01T09:00:00+00:00", "2019-06-01T12:00:00+00:00"),
]


def test_list_shows_upcoming_events_soonest_first_in_their_own_time_zones(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    api({("GET", "/admin/events"): LISTED})

    assert main(["events", "list", *API]) == 0

    rows = [line.split()[:4] for line in capsys.readouterr().out.splitlines()[1:]]
    # 23:30 UTC on 9 March is 18:30 in New York (EST); 14:00 in London in January is GMT.
    assert rows == [["sooner", "2090-01-15", "14:00", "GMT"], ["later", "2091-03-09", "18:30", "EST"]]


def test_list_past_shows_ended_events_latest_first_and_utc_on_request(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    api({("GET", "/admin/events"): LISTED})

    assert main(["events", "list", "--past", *API]) == 0
    rows = [line.split()[:4] for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows == [["lately", "2021-06-01", "05:00", "EDT"], ["long-ago", "2019-06-01", "05:00", "EDT"]]

    assert main(["events", "list", "--past", "--utc", *API]) == 0
    rows = [line.split()[:4] for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows[0] == ["lately", "2021-06-01", "09:00", "UTC"]


def test_show_gives_the_times_in_the_event_zone_with_its_abbreviation_or_in_utc(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    # An event entered as 18:30-20:00 in New York
    event = {**LISTED[0], "registration_closes_at": "2091-03-09T17:00:00+00:00"}
    api({("GET", "/admin/events/later"): event})

    assert main(["events", "show", "later", *API]) == 0
    out = capsys.readouterr().out
    assert "when:        Fri 9 Mar 2091, 18:30 to 20:00 EST (America/New_York)" in out
    assert "closes:      2091-03-09 12:00 EST" in out
    assert "+00:00" not in out

    assert main(["events", "show", "later", "--utc", *API]) == 0
    out = capsys.readouterr().out
    assert "when:        Fri 9 Mar 2091, 23:30 UTC to Sat 10 Mar 2091, 01:00 UTC (America/New_York)" in out


def test_registrations_csv_is_written_as_the_api_exported_it(
    api: Callable[[Answers], list[Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = "\ufeffEmail,Needs\r\nada@example.com,\"Step-free,\nquiet room\"\r\nbob@example.com,\r\n"
    asked = api({("GET", "/admin/events/evt/registrations?format=csv"): exported})
    target = tmp_path / "evt.csv"

    assert main(["events", "registrations", "evt", "--csv", str(target), *API]) == 0

    assert asked == [("GET", "/admin/events/evt/registrations?format=csv", None)]
    assert target.read_bytes() == exported.encode()  # line endings and BOM kept
    assert f"Wrote 2 registrations to {target}." in capsys.readouterr().out


# --- polls --------------------------------------------------------------------------------------


def test_add_a_choice_poll_sends_its_options(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api({("POST", "/admin/events/evt/polls"): {"poll_id": "p1"}})

    assert main(["polls", "add", "evt", "--question", "Which?", "--kind", "single",
                 "--option", "Tea", "--option", "Coffee", *API]) == 0

    assert asked == [("POST", "/admin/events/evt/polls",
                      {"question": "Which?", "kind": "single", "options": ["Tea", "Coffee"]})]
    assert capsys.readouterr().out == "p1\n"


def test_add_a_rating_poll_reads_the_scale(api: Callable[[Answers], list[Any]]) -> None:
    asked = api({("POST", "/admin/events/evt/polls"): {"poll_id": "p2"}})

    assert main(["polls", "add", "evt", "--question", "How useful?", "--kind", "rating",
                 "--scale", "0-5", *API]) == 0

    assert asked[0][2] == {"question": "How useful?", "kind": "rating", "scale": {"min": 0, "max": 5}}


@pytest.mark.parametrize("extra, message", [
    (["--kind", "rating", "--option", "A"], "not --option"),
    (["--kind", "single", "--option", "A"], "at least two --option"),
    (["--kind", "multiple", "--option", "A", "--option", "B", "--scale", "1-5"], "not --scale"),
])
def test_a_poll_that_cannot_be_right_is_refused_before_asking(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str],
    extra: list[str], message: str,
) -> None:
    asked = api({})
    assert main(["polls", "add", "evt", "--question", "Q", *extra, *API]) == 2
    assert message in capsys.readouterr().err
    assert asked == []


def test_choice_results_are_a_table_of_option_count_and_percent() -> None:
    text = results_text({
        "question": "Which session?", "kind": "single", "status": "closed", "total": 3,
        "counts": {"Keynote": 2, "Panel discussion": 1, "Lunch": 0},
        "percent": {"Keynote": 66.7, "Panel discussion": 33.3, "Lunch": 0.0},
    })
    lines = text.splitlines()
    assert lines[0] == "Which session?"
    assert lines[2].split() == ["OPTION", "COUNT", "PERCENT"]
    assert lines[3] == "Keynote               2    66.7%"
    assert lines[4] == "Panel discussion      1    33.3%"
    assert lines[5] == "Lunch                 0       0%"
    assert "3 people answered; the poll is closed." in lines


def test_rating_results_add_mean_median_and_at_or_below_lines() -> None:
    text = results_text({
        "question": "How useful?", "kind": "rating", "status": "open", "total": 4,
        "counts": {"1": 0, "2": 1, "3": 2, "4": 1}, "percent": {"1": 0.0, "2": 25.0, "3": 50.0, "4": 25.0},
        "mean": 3.0, "median": 3.0, "at_or_below": {"1": 0.0, "2": 25.0, "3": 75.0, "4": 100.0},
    })
    assert "RATING  COUNT  PERCENT" in text
    assert "4 people answered." in text
    assert "Mean 3, median 3." in text
    tail = text.splitlines()[-2:]
    # Nothing for 1 (nobody at or below it) or for the top of the scale (always everyone).
    assert tail == ["25% rated 2 or lower", "75% rated 3 or lower"]


def test_rating_results_with_no_answers_say_so_without_averages() -> None:
    text = results_text({"question": "Q", "kind": "rating", "total": 0, "counts": {"1": 0, "2": 0},
                         "percent": {"1": 0.0, "2": 0.0}, "mean": None, "median": None,
                         "at_or_below": {"1": 0.0, "2": 0.0}})
    assert text.endswith("0 people answered.")


# --- reports ------------------------------------------------------------------------------------


def test_markdown_is_split_into_sections_at_level_two_headings() -> None:
    sections = split_sections(
        "# Communities of Practice report\n\n"
        "## What we heard\n\nPeople want *more* time.\n\n### Detail\nStays in this section.\n"
        "## Next time\n```\n## not a heading inside code\n```\n"
    )
    assert sections == [
        {"title": "What we heard",
         "markdown": "People want *more* time.\n\n### Detail\nStays in this section."},
        {"title": "Next time", "markdown": "```\n## not a heading inside code\n```"},
    ]


@pytest.mark.parametrize("markdown, message", [
    ("Intro text\n## A\nbody\n", "text before the first '## ' heading"),
    ("# Only a title\n\nNo sections here? Still preamble.\n", "text before the first"),
    ("", "no '## ' headings"),
    ("## A\n\n## B\nbody\n", "'A' has no text"),
])
def test_markdown_that_cannot_be_sections_says_why(markdown: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        split_sections(markdown)


def test_sections_command_puts_the_sections_of_the_file(
    api: Callable[[Answers], list[Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.md"
    report.write_text("## Thanks\nTo our host.\n## Slides\nOn the event page.\n")
    asked = api({("PUT", "/admin/events/evt/report"): {"sections": []}})

    assert main(["reports", "sections", "evt", str(report), *API]) == 0

    assert asked == [("PUT", "/admin/events/evt/report", {"sections": [
        {"title": "Thanks", "markdown": "To our host."},
        {"title": "Slides", "markdown": "On the event page."}]})]
    assert "Saved 2 sections of the report for evt: Thanks, Slides." in capsys.readouterr().out


def test_run_with_no_wait_prints_the_run_id_only(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api({("POST", "/admin/events/evt/report-runs"): {"run_id": "r1", "status": "queued"}})

    assert main(["reports", "run", "evt", "--dry-run", "--test-recipient", "me@example.com",
                 "--no-wait", *API]) == 0

    assert asked == [("POST", "/admin/events/evt/report-runs",
                      {"dry_run": True, "test_recipient": "me@example.com"})]
    assert capsys.readouterr().out == "r1\n"


def test_parts_keeps_the_sections_and_sends_only_the_changes(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    sections = [{"title": "Thanks", "markdown": "To our host."}]
    saved = {"sections": sections, "show": {"vote": False, "thanks": True}, "organisations": ["NASA", "Ofgem"],
             "organisations_edited": True, "min_answers": 6}
    asked = api({("GET", "/admin/events/evt/report"): {"sections": sections},
                 ("PUT", "/admin/events/evt/report"): saved})

    assert main(["reports", "parts", "evt", "--hide", "vote", "--show", "thanks", "--organisation", "NASA",
                 "--organisation", "Ofgem", "--min-answers", "6", *API]) == 0

    assert asked[1] == ("PUT", "/admin/events/evt/report", {
        "sections": sections, "show": {"thanks": True, "vote": False}, "organisations": ["NASA", "Ofgem"],
        "min_answers": 6})
    out = capsys.readouterr().out
    assert "Shown: thanks. Hidden: vote." in out and "Organisations (edited): NASA, Ofgem." in out


def test_parts_refuses_a_part_both_shown_and_hidden(api: Callable[[Answers], list[Any]]) -> None:
    asked = api({})

    assert main(["reports", "parts", "evt", "--hide", "vote", "--show", "vote", *API]) == 2
    assert asked == []


def test_preview_prints_the_text_and_keeps_the_html(
    api: Callable[[Answers], list[Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api({("GET", "/admin/events/evt/report/preview"): {
        "to": "me@example.com", "subject": "Event 48: the summary report", "text": "Thank you", "html": "<p>Hi</p>"}})

    assert main(["reports", "preview", "evt", "--html", str(tmp_path / "r.html"), *API]) == 0

    assert capsys.readouterr().out == "To: me@example.com\nSubject: Event 48: the summary report\n\nThank you\n"
    assert (tmp_path / "r.html").read_text() == "<p>Hi</p>"


def test_test_correction_and_retry_ask_the_api_for_them(api: Callable[[Answers], list[Any]]) -> None:
    queued = {"run_id": "r2", "status": "queued"}
    event = {"event_id": "evt", "title": "T", "timezone": "UTC",
             "starts_at": "2020-01-01T10:00:00+00:00", "ends_at": "2020-01-01T12:00:00+00:00"}
    asked = api({("POST", "/admin/events/evt/report-runs"): queued, ("POST", "/admin/report-runs/r1/retry"): queued,
                 ("GET", "/admin/events/evt"): event, ("GET", "/admin/events/evt/report"): {"sections": []}})

    # A correction reaches everyone again, so it shows its plan and needs --yes without a terminal.
    assert main(["reports", "run", "evt", "--test", "--no-wait", *API]) == 0
    assert main(["reports", "run", "evt", "--correction", "--no-wait", "--yes", *API]) == 0
    assert main(["reports", "retry", "r1", "--no-wait", *API]) == 0

    assert [body for method, _, body in asked if method == "POST"] == [{"dry_run": False, "test_send": True},
                                             {"dry_run": False, "correction": True}, {}]


def test_following_a_run_shows_each_change_until_done() -> None:
    answers = iter([
        {"run_id": "r1", "status": "queued"},
        {"run_id": "r1", "status": "queued"},
        {"run_id": "r1", "status": "sending", "recipients": 10, "sent": 4, "skipped": 1, "failed": 0},
        {"run_id": "r1", "status": "done", "recipients": 10, "sent": 8, "skipped": 1, "failed": 1},
    ])
    waits: list[float] = []
    shown: list[str] = []

    class Out:
        def write(self, text: str) -> None:
            shown.append(text)

        def flush(self) -> None:
            pass

    run = follow_run(lambda: next(answers), timeout=60, out=Out(),  # type: ignore[arg-type]
                     interval=2, sleep=waits.append, clock=lambda: sum(waits))

    assert run["status"] == "done"
    assert waits == [2, 2, 2]
    assert "".join(shown).splitlines() == [
        "run r1: queued",
        "run r1: sending; 10 recipients: 4 sent, 1 skipped, 0 failed",
        "run r1: done; 10 recipients: 8 sent, 1 skipped, 1 failed",
    ]


def test_following_a_run_gives_up_after_the_timeout() -> None:
    waits: list[float] = []
    with pytest.raises(CommandError, match="still building after 5 s; follow it with `clubflow reports status r1`"):
        follow_run(lambda: {"run_id": "r1", "status": "building"}, timeout=5, out=None,
                   interval=2, sleep=waits.append, clock=lambda: sum(waits))
    assert waits == [2, 2, 2]


def test_a_failed_run_ends_the_command_with_its_reason(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    api({("GET", "/admin/events/evt"): _listed("evt", "2021-06-01T09:00:00+00:00", "2021-06-01T12:00:00+00:00"),
         ("GET", "/admin/events/evt/report"): {"event_id": "evt", "sections": [{"title": "Thanks"}]},
         ("POST", "/admin/events/evt/report-runs"): {"run_id": "r1", "status": "queued"},
         ("GET", "/admin/report-runs/r1"): {"run_id": "r1", "status": "failed", "reason": "no event"}})

    assert main(["reports", "run", "evt", "--yes", *API]) == 2

    out = capsys.readouterr()
    assert out.out == "r1\n"
    assert "run r1: failed (no event)" in out.err
    assert "it has ended" in out.err and "sections:    1 (Thanks)" in out.err

    assert out.err.endswith("clubflow: run r1 failed: no event\n")


# --- nominations --------------------------------------------------------------------------------


def test_nominations_list_asks_for_the_status_and_shows_a_table(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api({("GET", "/admin/nominations?status=shortlisted"): {"status": "shortlisted", "nominations": [
        {"nomination_id": "n1", "status": "shortlisted", "organisation": "Acme", "city": "Leeds", "capacity": 60,
         "contact_name": "Ada", "email": "ada@acme.example", "received_at": "2030-01-02T09:00:00+00:00"}]}})

    assert main(["nominations", "list", "--status", "shortlisted", *API]) == 0

    assert [ask[:2] for ask in asked] == [("GET", "/admin/nominations?status=shortlisted")]
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["NOMINATION", "ID", "STATUS", "RECEIVED"]
    assert row.split() == ["n1", "shortlisted", "2030-01-02", "Acme", "Leeds", "60", "Ada", "<ada@acme.example>"]


def test_nominations_list_shows_every_status_by_default_oldest_first(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    def nomination(nomination_id: str, status: str, day: int) -> dict[str, Any]:
        return {"nomination_id": nomination_id, "status": status, "organisation": "Acme", "city": "Leeds",
                "capacity": 60, "contact_name": "Ada", "email": "ada@acme.example",
                "received_at": f"2030-01-{day:02d}T09:00:00+00:00"}

    asked = api({
        ("GET", "/admin/nominations?status=received"): {"nominations": [nomination("new", "received", 9)]},
        ("GET", "/admin/nominations?status=shortlisted"): {"nominations": []},
        ("GET", "/admin/nominations?status=accepted"): {"nominations": [nomination("yes", "accepted", 2)]},
        ("GET", "/admin/nominations?status=declined"): {"nominations": [nomination("no", "declined", 5)]},
    })

    assert main(["nominations", "list", *API]) == 0

    assert len(asked) == 4
    rows = [line.split()[:3] for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows == [["yes", "accepted", "2030-01-02"], ["no", "declined", "2030-01-05"],
                    ["new", "received", "2030-01-09"]]

    assert main(["nominations", "list", "--json", *API]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [n["nomination_id"] for n in listed["nominations"]] == ["yes", "no", "new"]


@pytest.mark.parametrize("argv", [
    ["events", "list"], ["events", "registrations", "evt"], ["nominations", "list"], ["polls", "list", "evt"],
    ["slides", "list", "evt"], ["organisers", "list"],
])
def test_every_list_takes_json(argv: list[str]) -> None:
    from clubflow.cli import build_parser

    assert build_parser().parse_args([*argv, "--json"]).json is True


NOMINEE = {"nomination_id": "n1", "status": "received", "organisation": "Acme", "city": "Leeds", "capacity": 60,
           "contact_name": "Ada", "email": "ada@acme.example", "received_at": "2030-01-02T09:00:00+00:00"}
LISTED_NOMINATIONS: Answers = {
    ("GET", f"/admin/nominations?status={status}"): {"nominations": [NOMINEE] if status == "received" else []}
    for status in ("received", "shortlisted", "accepted", "declined")
}
DECIDED: Answers = {**LISTED_NOMINATIONS, ("POST", "/admin/nominations/n1/decision"): {
    "nomination": {"organisation": "Acme", "status": "accepted"}, "changed": True}}


def test_decide_sends_the_decision_and_message(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    asked = api(DECIDED)

    assert main(["nominations", "decide", "n1", "accepted", "--message", "See you in May", "--yes", *API]) == 0

    assert asked[-1] == ("POST", "/admin/nominations/n1/decision",
                         {"status": "accepted", "message": "See you in May"})
    assert capsys.readouterr().out == "Acme: accepted; the nominee is being emailed.\n"


class Terminal(io.StringIO):
    """A terminal's keyboard: what the person types, and isatty() true."""

    def isatty(self) -> bool:
        return True


def test_decide_at_a_terminal_shows_the_email_to_be_sent_and_asks(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = api(DECIDED)

    # When the organiser answers no
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(["nominations", "decide", "n1", "accepted", "--message", "See you in May", *API]) == 1
    # Then nothing was decided, and they were shown what would have been sent to whom
    assert [method for method, _, _ in asked] == ["GET"] * 4
    err = capsys.readouterr().err
    assert "Acme (Leeds), offering 60 places, is received." in err
    assert "to Ada <ada@acme.example>, with your message: See you in May" in err
    assert "[y/N]" in err and "Nothing decided, nothing sent." in err

    # And when they answer yes, the decision is made
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert main(["nominations", "decide", "n1", "accepted", *API]) == 0
    assert asked[-1] == ("POST", "/admin/nominations/n1/decision", {"status": "accepted"})


def test_decide_without_a_terminal_or_yes_decides_nothing(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = api(DECIDED)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # piped in: nobody is there to answer

    assert main(["nominations", "decide", "n1", "declined", *API]) == 2

    assert "POST" not in [method for method, _, _ in asked]
    assert "no terminal to ask on, so add --yes" in capsys.readouterr().err


def test_a_real_run_at_a_terminal_shows_the_event_sections_and_a_dry_run_count_then_asks(
    api: Callable[[Answers], list[Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an event that has not happened yet, a report without sections and 12 who would get it
    asked = api({
        ("GET", "/admin/events/evt"): _listed("evt", "2090-01-15T14:00:00+00:00", "2090-01-15T16:00:00+00:00"),
        ("GET", "/admin/events/evt/report"): {"event_id": "evt", "sections": []},
        ("POST", "/admin/events/evt/report-runs"): {"run_id": "dry1", "status": "queued"},
        ("GET", "/admin/report-runs/dry1"): {"run_id": "dry1", "status": "done", "dry_run": True,
                                             "recipients": 15, "would_send": 12, "skipped": 3,
                                             "skipped_people": [{"email": "bo@example.com", "reason": "bounced"}]},
    })
    monkeypatch.setattr("sys.stdin", Terminal("no\n"))

    assert main(["reports", "run", "evt", *API]) == 1

    # Then only a dry run was started, and the organiser saw what matters before answering
    assert [body for method, _, body in asked if method == "POST"] == [{"dry_run": True}]
    err = capsys.readouterr().err
    assert "IT HAS NOT HAPPENED YET" in err
    assert "sections:    NONE" in err
    assert "recipients:  12 would get it; 3 skipped" in err
    assert "    bo@example.com: bounced" in err and "...and 2 more" in err
    assert "Nothing sent." in err
