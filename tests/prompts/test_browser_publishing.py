"""Publishing and finding prompts in a real browser (chromium, Playwright): search by words,
publish with the page saying what it rendered, the Welsh marked and confirmed; axe-core clean."""

from __future__ import annotations

import re

import pytest

from ..staff.test_browser import axe_violations, browser, page, server, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
STALE = "English changed since this translation"


def test_search_then_publish_and_confirm_the_welsh(server, page):  # noqa: F811
    sign_in(page, "editor")
    page.get_by_role("link", name="Prompts").first.click()
    search = page.get_by_role("searchbox", name="Find prompts by their words")
    search.fill("parole board")
    search.press("Enter")
    page.get_by_role("status").get_by_text("with the words").wait_for()
    assert page.get_by_role("link", name="Change protection.parole in English").count() == 1
    assert page.get_by_role("link", name="Change welcome.greeting in English").count() == 0
    assert page.get_by_role("searchbox").input_value() == "parole board"
    assert axe_violations(page) == []

    page.get_by_role("link", name="Change protection.parole in English").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Protection parole guidance: Your statement goes to the Parole Board: the..."
    page.get_by_label("Words (English)").fill(
        "The Parole Board will think about your concerns, and the risk to you if the prisoner is released."
    )
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(re.compile(r"Published: rendered \d+ clips?; live on all servers")).wait_for(timeout=90_000)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Back to prompts").click()
    row = page.get_by_role("row").filter(has=page.get_by_text("protection.parole", exact=True))
    assert STALE in row.inner_text()
    row.get_by_role("link", name="Change protection.parole in Cymraeg").click()
    page.get_by_text(STALE).first.wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirm the translation still fits").click()
    page.get_by_text("Confirmed: this translation is in step").wait_for(timeout=90_000)
    assert page.locator("#stale-translation").count() == 0
