"""The seed's summary report as an organiser would write it today: the panel, the two workshops
(nested numbered lists with sub-bullets), the quote and the conclusions as Markdown sections,
and the eleven answers to each of the seed's three polls ("64% rated 6 or lower")."""

from __future__ import annotations

SECTIONS = [
    {"title": "Thank you, Close Brothers",
     "markdown": "A huge thank you to our hosts for the day, **Close Brothers**: the venue was great, "
                 "and the *quieter rooms* our guests asked for were made available."},
    {"title": "Expert Q&A panel",
     "markdown": "We were delighted to be joined on the panel by Amy Jackson (Close Brothers), "
                 "Jo Stanford (HPCA), Graham Jennings (Ofgem) and Ian Cribbes (Programme Manager).\n\n"
                 "Andy McAlister, our Close Brothers host, said the community of practice construct\n\n"
                 "> depended on facilitation and the provision of space to grow\n"
                 "> and not on top-down imposition\n"},
    {"title": "Professions workshop",
     "markdown": "1. Start position\n\n"
                 "   Yes, it was felt this was important because it would affect several factors:\n\n"
                 "   - Culture\n"
                 "   - Direction of travel and transition away from old structure\n"
                 "   - Development paths\n\n"
                 "2. Ownership\n\n"
                 "   - Executive role, which should hold ultimate responsibility\n"
                 "   - Sponsorship should provide:\n"
                 "     - investment in development, and\n"
                 "     - strategy / purpose setting\n"
                 "   - Recognition should be seen from the perspectives of:\n"
                 "     - team awards\n"
                 "     - attracting and retaining talent\n"},
    {"title": "Communities of Practice workshop",
     "markdown": "1. Recognition, endorsement, and sponsorship\n"
                 "   - Several imaginative **events** were also put forward:\n"
                 "     1. Virtual *book club*\n"
                 "     2. Virtual coffee meet-up \N{LEFT DOUBLE QUOTATION MARK}someone you "
                 "don\N{RIGHT SINGLE QUOTATION MARK}t know\N{RIGHT DOUBLE QUOTATION MARK}\n"
                 "     3. Breakfast *switch-up* meetings (avoiding precious personal time)\n"
                 "2. Physical infrastructure\n"
                 "   - Website\n"
                 "   - Safe space to converse (devoid of judgement)\n"},
    {"title": "Conclusions",
     "markdown": "Communities of practice might look attractive on a cost basis, but how "
                 "\N{LEFT SINGLE QUOTATION MARK}unmanageable\N{RIGHT SINGLE QUOTATION MARK} they are "
                 "from a corporate perspective is not well understood. "
                 "[Read more about communities of practice](https://en.wikipedia.org/wiki/Community_of_practice)."},
]

# Eleven attendees' answers to the seed's three polls, in the demo's order.
ANSWERS: list[tuple[str, str, int]] = [
    ("Communities of Practice", "Medium levels of adjustment", 3),
    ("Communities of Practice", "Medium levels of adjustment", 4),
    ("Communities of Practice", "High levels of adjustment", 4),
    ("Communities of Practice", "Medium levels of adjustment", 5),
    ("Communities of Practice", "High levels of adjustment", 5),
    ("Profession", "Medium levels of adjustment", 6),
    ("Communities of Practice", "High levels of adjustment", 6),
    ("Profession", "Low levels of adjustment", 7),
    ("Communities of Practice", "Medium levels of adjustment", 7),
    ("Profession", "High levels of adjustment", 8),
    ("Profession", "Medium levels of adjustment", 8),
]
