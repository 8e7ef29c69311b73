"""The axe-core checks every browser test gets: they see each page served, and they can fail."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import AxeChecks, CheckedBrowser, LocalStack

pytestmark = pytest.mark.browser

def test_a_page_with_violations_is_reported_with_rule_impact_target_and_help(
    launched_browser: Any, local_stack: LocalStack, unique_email: str,
) -> None:
    local_stack.send_email(unique_email, "Inaccessible", text="-",
                           html="<p>Hi</p><img src='/x.png'><form><input type='text' name='who'></form>")
    [sent] = local_stack.outbox(to=unique_email)
    checks = AxeChecks(launched_browser)
    context = checks.watch(launched_browser.new_context(java_script_enabled=False))
    url = f"{local_stack.url}/_dev/outbox/{sent['id']}"
    context.new_page().goto(url)
    context.close()

    found = checks.violations()

    assert {line.split(" ")[0] for line in found} == {"image-alt", "label"}, found
    assert any(line.startswith(f"image-alt (critical) at img on {url}: ") for line in found), found


def test_every_page_a_test_is_served_is_kept_for_checking(browser: CheckedBrowser, local_stack: LocalStack) -> None:
    page = browser.new_context().new_page()
    page.goto(local_stack.url + "/events")
    page.goto(local_stack.url + "/topics")

    assert [url for url, _ in browser.checks.served] == [local_stack.url + "/events", local_stack.url + "/topics"]
