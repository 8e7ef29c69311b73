"""Confirming a topic from the emailed link in Chromium with JavaScript off: opening the link
shows a Confirm button and lists nothing; pressing it lists the topic."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.test_topics_e2e import JSON, emailed_link

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def listed_titles(stack: LocalStack) -> list[str]:
    return [t["title"] for t in stack.get("/topics", headers=JSON).json()["topics"]]


def test_the_emailed_link_asks_before_it_lists_the_topic(
    local_stack: LocalStack, no_script: Any, unique_email: str
) -> None:
    # Given a suggested topic and its emailed link
    title = f"Communities that last {secrets.token_hex(3)}"
    local_stack.post("/topics", json={"title": title, "email": unique_email}, headers=JSON)
    local_stack.pump()
    link = emailed_link(local_stack, unique_email)

    # When the person opens it, it asks them to confirm, and nothing is listed yet
    no_script.goto(link)
    assert no_script.get_by_role("heading", name="Confirm your topic").is_visible()
    assert no_script.get_by_role("heading", name=title).is_visible()
    assert title not in listed_titles(local_stack)

    # When they press the button, the topic is listed
    no_script.get_by_role("button", name="Confirm my topic").click()
    assert no_script.get_by_role("heading", name="Your topic is listed").is_visible()
    assert title in listed_titles(local_stack)

    # And the link is used: opening it again shows the one page for dead links
    no_script.goto(link)
    assert no_script.get_by_role("heading", name="This link is not valid").is_visible()
