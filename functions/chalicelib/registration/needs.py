"""What organisers plan the day around: the needs people wrote on their registration, sorted
into quiet rooms, dietary and access by the words they used (anything else stays as written).

People write needs in their own words, so a need may fall under more than one heading, and one
that names none of these words is listed under "other" rather than dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.registration.service import CONFIRMED

KINDS: dict[str, tuple[str, ...]] = {
    "quiet": ("quiet", "calm", "sensory", "noise", "rest", "prayer", "breastfeed", "overwhelm"),
    "dietary": ("vegan", "vegetarian", "veggie", "gluten", "coeliac", "celiac", "halal", "kosher",
                "allerg", "nut", "dairy", "lactose", "diet", "pescatarian", "food", "eat", "meat", "fish"),
    "access": ("wheelchair", "step-free", "step free", "access", "mobility", "hearing", "deaf", "loop",
               "sight", "visual", "blind", "lift", "ramp", "bsl", "caption", "interpreter", "seat",
               "walking", "parking", "cane", "stairs"),
}
# What people type when they have none: no need to plan for.
NOTHING = frozenset({"none", "n/a", "na", "no", "nothing", "-", "no needs", "nil", "none."})
LABELS = {"quiet": "Quiet room", "dietary": "Dietary", "access": "Access", "other": "Other"}


@dataclass
class NeedsSummary:
    """Confirmed people's needs under each heading, as (name, organisation, needs as written)."""

    kinds: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {kind: [] for kind in LABELS})

    @property
    def people(self) -> int:
        return len({person["email"] for listed in self.kinds.values() for person in listed})


# Each word matches at the start of a word ("nut" in "nuts", not in "minute").
_PATTERNS = {kind: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + ")") for kind, words in KINDS.items()}


def kinds_of(needs: str) -> list[str]:
    """The headings a need falls under, by its words; ["other"] when none."""
    text = needs.lower()
    found = [kind for kind, pattern in _PATTERNS.items() if pattern.search(text)]
    return found or ["other"]


def summarise(records: Iterable[dict[str, Any]]) -> NeedsSummary:
    """The needs of the confirmed people (those the day is planned for), by heading."""
    summary = NeedsSummary()
    for record in records:
        needs = str(record.get("needs") or "").strip()
        if needs.lower() in NOTHING or not needs or record.get("status") != CONFIRMED:
            continue
        person = {"email": str(record.get("email", "")), "name": str(record.get("name") or ""),
                  "organisation": str(record.get("organisation") or ""), "needs": needs}
        for kind in kinds_of(needs):
            summary.kinds[kind].append(person)
    return summary
