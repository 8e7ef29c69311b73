"""Reading a new poll (organisers) and a ballot of answers (attendees), naming each bad field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.core.text import one_line
from chalicelib.core.validation import Form

KINDS = ("single", "multiple", "rating")
MAX_QUESTION = 300
MAX_OPTION = 200
MAX_LABEL = 40
MIN_OPTIONS, MAX_OPTIONS = 2, 12
MAX_SPAN = 20
DEFAULT_SCALE = (1, 10)
POLL_FIELDS = {"question", "kind", "options", "scale"}
SCALE_FIELDS = {"min", "max", "min_label", "max_label"}
# A ballot's form fields are named poll_<poll_id>.
FIELD_PREFIX = "poll_"

Answer = str | int | list[str]


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    low_label: str = ""
    high_label: str = ""

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"min": self.low, "max": self.high}
        if self.low_label:
            shown["min_label"] = self.low_label
        if self.high_label:
            shown["max_label"] = self.high_label
        return shown


@dataclass(frozen=True)
class NewPoll:
    question: str
    kind: str
    options: tuple[str, ...] = ()
    scale: Scale | None = None


@dataclass
class Ballot:
    """What an attendee sent: answers by poll id, what they chose (to show the form again) and
    a message per bad poll field."""

    answers: dict[str, Answer]
    values: dict[str, Any]
    errors: dict[str, str]


def field_name(poll_id: str) -> str:
    return f"{FIELD_PREFIX}{poll_id}"


# --- organisers: a new poll -------------------------------------------------------------------


def read_new_poll(data: dict[str, Any]) -> tuple[NewPoll | None, dict[str, str]]:
    form = Form(data)
    form.unknown(POLL_FIELDS)
    question = form.line("question", "the question", max_len=MAX_QUESTION)
    kind = form.choice("kind", "the kind of poll", KINDS)
    options: tuple[str, ...] = ()
    scale: Scale | None = None
    if kind == "rating":
        if data.get("options") not in (None, "", []):
            form.error("options", "A rating poll takes a scale, not options; leave options out.")
        scale = _read_scale(form, data.get("scale"))
    elif kind in ("single", "multiple"):
        if data.get("scale") is not None:
            form.error("scale", "Only a rating poll takes a scale; give options instead.")
        options = _read_options(form, data.get("options"))
    if not form.ok:
        return None, form.errors
    assert question and kind
    return NewPoll(question=question, kind=kind, options=options, scale=scale), {}


def _read_options(form: Form, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]  # one form field arrives as a string, not a list
    if not isinstance(raw, list) or not raw:
        form.error("options", f"Give between {MIN_OPTIONS} and {MAX_OPTIONS} options to choose from.")
        return ()
    if not all(isinstance(option, str) for option in raw):
        form.error("options", "Give each option as text.")
        return ()
    options = [one_line(option) for option in raw]
    if any(not option for option in options):
        form.error("options", "Remove the empty option, or give it some text.")
    elif any(len(option) > MAX_OPTION for option in options):
        form.error("options", f"Keep each option to {MAX_OPTION} characters or fewer.")
    elif len({option.casefold() for option in options}) < len(options):
        form.error("options", "Each option must be different from the others.")
    elif not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        form.error("options", f"Give between {MIN_OPTIONS} and {MAX_OPTIONS} options; "
                              f"this poll has {len(options)}.")
    return tuple(options)


def _read_scale(form: Form, raw: Any) -> Scale | None:
    if raw is None:
        return Scale(*DEFAULT_SCALE)
    if not isinstance(raw, dict):
        form.error("scale", 'Give the scale as {"min": 1, "max": 10}, or leave it out for 1 to 10.')
        return None
    unknown = sorted(set(raw) - SCALE_FIELDS)
    if unknown:
        form.error("scale", f"The scale takes only {', '.join(sorted(SCALE_FIELDS))}; "
                            f"remove {', '.join(unknown)}.")
        return None
    bounds = [raw.get("min", DEFAULT_SCALE[0]), raw.get("max", DEFAULT_SCALE[1])]
    if not all(isinstance(bound, int) and not isinstance(bound, bool) for bound in bounds):
        form.error("scale", "Give the scale's min and max as whole numbers, like 1 and 10.")
        return None
    low, high = bounds
    if low >= high:
        form.error("scale", f"The scale's min ({low}) must be lower than its max ({high}).")
        return None
    if high - low > MAX_SPAN:
        form.error("scale", f"A scale may span at most {MAX_SPAN} steps, like 0 to {MAX_SPAN}; "
                            f"{low} to {high} is too wide to answer on a phone.")
        return None
    labels = [raw.get("min_label", ""), raw.get("max_label", "")]
    if not all(isinstance(label, str) for label in labels):
        form.error("scale", "Give the scale's labels as text, like \"poor\" and \"perfect\".")
        return None
    low_label, high_label = (one_line(label) for label in labels)
    if max(len(low_label), len(high_label)) > MAX_LABEL:
        form.error("scale", f"Keep the scale's labels to {MAX_LABEL} characters or fewer.")
        return None
    return Scale(low, high, low_label, high_label)


# --- attendees: a ballot -----------------------------------------------------------------------


def read_ballot(data: dict[str, Any], polls: Sequence[Mapping[str, Any]], *, as_json: bool) -> Ballot:
    """Answers to the event's polls, from JSON `{"answers": {poll_id: answer}}` or from form
    fields `poll_<poll_id>`. A poll left unanswered is simply not in the ballot."""
    by_id = {str(poll["poll_id"]): poll for poll in polls}
    ballot = Ballot(answers={}, values={}, errors={})
    if as_json:
        unknown = sorted(set(data) - {"answers"})
        for name in unknown:
            ballot.errors[name] = f"'{name}' is not a field here; send your answers under \"answers\"."
        raw = data.get("answers")
        if not isinstance(raw, dict):
            ballot.errors["answers"] = 'Send your answers as {"answers": {"<poll_id>": <answer>}}.'
            return ballot
        given = {str(poll_id): answer for poll_id, answer in raw.items()}
    else:
        given = {name[len(FIELD_PREFIX):]: value for name, value in data.items()
                 if name.startswith(FIELD_PREFIX)}
    for poll_id, raw_answer in given.items():
        name = field_name(poll_id)
        poll = by_id.get(poll_id)
        if poll is None:
            ballot.errors[name] = "There is no such poll for this event; answer the polls listed."
            continue
        ballot.values[name] = raw_answer
        if raw_answer in (None, "", []) and not as_json:
            continue  # left blank on the form: not answered
        answer, problem = read_answer(poll, raw_answer)
        if problem:
            ballot.errors[name] = problem
        elif answer is not None:
            ballot.answers[poll_id] = answer
    if not ballot.answers and not ballot.errors:
        ballot.errors["answers"] = "Choose an answer to at least one poll, then send your answers."
    return ballot


def read_answer(poll: Mapping[str, Any], raw: Any) -> tuple[Answer | None, str]:
    """One poll's answer, checked against its options or scale; else the message to show."""
    kind = poll["kind"]
    if kind == "rating":
        low, high = int(poll["scale"]["min"]), int(poll["scale"]["max"])
        choose = f"Choose a number from {low} to {high}."
        if isinstance(raw, bool):
            return None, choose
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            raw = int(raw.strip())
        if not isinstance(raw, int) or not low <= raw <= high:
            return None, choose
        return raw, ""
    options = list(poll["options"])
    if kind == "single":
        if not isinstance(raw, str) or raw not in options:
            return None, "Choose one of the answers listed."
        return raw, ""
    chosen = [raw] if isinstance(raw, str) else raw
    if not isinstance(chosen, list) or not chosen:
        return None, "Choose one or more of the answers listed."
    if not all(isinstance(option, str) and option in options for option in chosen):
        return None, "Choose only from the answers listed."
    # Listed in the poll's own order, each once, however they were sent.
    return [option for option in options if option in chosen], ""

