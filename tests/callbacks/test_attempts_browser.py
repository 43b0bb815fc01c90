"""The attempts section of a request's page in a real browser (chromium + axe): a caseworker records
attempts by keyboard until the request closes as could not reach; no axe violations on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ..staff.test_browser import MOBILE, axe_violations, browser, page, server, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_a_caseworker_records_attempts_until_could_not_reach(server, page):  # noqa: F811
    store = server.extensions["ivr.callbacks"]
    booked, _ = store.book(
        "CA" + "e" * 32,
        "en-GB",
        MOBILE,
        {"when": "any", "voicemail": "no", "identify": "no"},
        dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC),
    )
    found = {}
    sign_in(page, "caseworker")
    page.goto(f"/admin/queue/{booked.reference}")
    section = page.get_by_role("region", name="Attempts to ring")
    assert section.get_by_role("radio", name="Voicemail left").count() == 0  # not safe, not offered
    found["no attempts"] = axe_violations(page)
    section.get_by_role("button", name="Record attempt").click()  # nothing chosen
    expect(page.get_by_role("alert").get_by_role("link", name="Choose what happened when you rang")).to_be_visible()
    found["error"] = axe_violations(page)
    for n, outcome in enumerate(["No answer", "Wrong number", "Not safe to talk: they could not speak now"], 1):
        section = page.get_by_role("region", name="Attempts to ring")
        section.get_by_role("radio", name=outcome).check()
        section.get_by_role("radio", name=outcome).press("Enter")
        if n < 3:
            caption = page.get_by_role("region", name="Attempts to ring").locator("caption")
            expect(caption).to_have_text(f"{n} attempt(s), {n} failed of 3 allowed")
            found[f"after {n}"] = axe_violations(page)
    page.wait_for_url("**/admin/queue")
    expect(page.get_by_role("alert")).to_contain_text("closed as could not reach")
    assert store.get(booked.reference).status == "could_not_reach"
    assert {k: v for k, v in found.items() if v} == {}
