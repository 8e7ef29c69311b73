"""Steps an attendee takes on the public pages, shared by the browser tests."""

from __future__ import annotations

from typing import Any

# A person types; about 50 ms a key keeps the fill well above the form's minimum time.
KEY_DELAY_MS = 50


def register_on_the_page(page: Any, url: str, email: str, name: str, organisation: str = "Compilers Ltd",
                         report: bool = False) -> None:
    """Fill in the registration form on the event page at `url`, as a person types, and send it
    (asking for the summary report if `report`)."""
    page.goto(url)
    page.get_by_label("Email address").press_sequentially(email, delay=KEY_DELAY_MS)
    page.get_by_label("Full name").press_sequentially(name, delay=KEY_DELAY_MS)
    page.get_by_label("Organisation").press_sequentially(organisation, delay=KEY_DELAY_MS)
    if report:
        page.get_by_label("Send me the summary report after the event").check()
    page.get_by_role("button", name="Register").click()
    assert page.get_by_text(f"We've sent an email to {email}").is_visible()
