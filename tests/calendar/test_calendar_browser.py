"""The Calendar page in a real browser (chromium + axe): an admin closes a day, sees it listed,
meets a field error, opens an extra day and removes it, with no axe violations on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..staff.test_browser import axe_violations, browser, page, server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_an_admin_works_the_calendar_by_keyboard_and_axe_finds_nothing(server, page):  # noqa: F811
    found = {}
    sign_in(page, "admin")
    page.goto("/admin/")
    page.get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/admin/calendar")
    found["calendar"] = axe_violations(page)

    page.get_by_role("button", name="Close the line on this day").click()  # nothing typed
    expect(page.get_by_role("alert").get_by_role("link", name="Enter the date, for example 24/12/2026")).to_be_visible()
    found["calendar (errors)"] = axe_violations(page)

    close = page.locator("form", has=page.get_by_role("button", name="Close the line on this day"))
    close.get_by_label("Date").fill("1/12/2026")
    close.get_by_label("Reason (staff see this, callers do not)").fill("Staff training")
    close.get_by_label("Reason (staff see this, callers do not)").press("Enter")
    row = page.get_by_role("row", name="Tuesday 1 December 2026")
    expect(row).to_contain_text("Closed all day")
    assert "Staff training" in row.inner_text()
    found["calendar (a closure)"] = axe_violations(page)

    extra = page.locator("form", has=page.get_by_role("button", name="Open the line on this day"))
    extra.get_by_label("Date").fill("28/11/2026")
    extra.get_by_label("Opens at").fill("10:00")
    extra.get_by_label("Closes at").fill("2pm")
    extra.get_by_role("button", name="Open the line on this day").click()
    expect(page.get_by_role("row", name="Saturday 28 November 2026")).to_contain_text("Open 10:00 to 14:00")

    page.get_by_role("button", name="Remove Tuesday 1 December 2026").click()
    expect(page.get_by_role("row", name="Tuesday 1 December 2026")).to_have_count(0)
    assert [d.day.isoformat() for d in server.extensions["ivr.calendar"].days()] == ["2026-11-28"]
    problems = {name: v for name, v in found.items() if v}
    assert problems == {}
