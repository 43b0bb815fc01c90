"""The callback queue in a real browser (Debian's chromium, Playwright), with axe on every
state: the warning before the number, "Show number", find by reference, paging, due dates
and overdue, filters, "Assign to me" (and losing a race for it), the home page's counts."""

from __future__ import annotations

import datetime as dt

import pytest

from ..staff.test_browser import MOBILE, axe_violations, browser, page, server, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def book(app, sid, safety, minutes=0, **extra):
    booked, _ = app.extensions["ivr.callbacks"].book(
        sid, "en-GB", MOBILE, safety, START + dt.timedelta(minutes=minutes), **extra
    )
    return booked


def test_the_warning_comes_first_and_the_number_only_after_show_number(server, page):  # noqa: F811
    booked = book(server, "CA" + "d" * 32, {"when": "evening", "voicemail": "no", "identify": "no"})
    sign_in(page, "caseworker")
    page.goto(f"/admin/queue?reference={booked.reference}")
    page.wait_for_url(f"**/admin/queue/{booked.reference}")
    warning = page.get_by_role("region", name="Warning: before you ring")
    assert warning.is_visible()
    assert "Do not leave a voicemail message" in warning.inner_text()
    assert "Do not say who is calling" in warning.inner_text()
    assert page.locator("#safe-time").inner_text() == "Evening, 5pm to 8pm"
    assert "7911" not in page.locator("main").inner_text()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Show number").click()
    link = page.get_by_role("link", name="07911 123456")
    assert link.get_attribute("href") == "tel:+447911123456"
    assert page.get_by_role("region", name="Warning: before you ring").is_visible()
    assert axe_violations(page) == []
    with server.app_context():
        from ivr.audit import recent
        from ivr.staff.access import db

        with db().session() as session:
            shown = [e for e in recent(session, 20) if e.action == "queue.number"]
    assert shown and shown[0].actor == "caseworker@example.org" and booked.reference in shown[0].detail


def test_find_by_reference_and_a_clear_message_when_none(server, page):  # noqa: F811
    booked = book(server, "CA" + "e" * 32, {"when": "morning", "voicemail": "yes", "identify": "yes"})
    sign_in(page, "caseworker")
    page.goto("/admin/queue")
    search = page.get_by_label("Find a request by its reference")
    search.fill(booked.reference)
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(f"**/admin/queue/{booked.reference}")
    assert page.get_by_role("heading", name=booked.reference).is_visible()

    page.goto("/admin/queue")
    missing = "100000" if booked.reference != "100000" else "100001"
    page.get_by_label("Find a request by its reference").fill(missing)
    page.get_by_role("button", name="Find").click()
    summary = page.get_by_role("alert")
    assert f"No request has the reference {missing}" in summary.inner_text()
    summary.get_by_role("link").click()  # the error summary's link puts the cursor back in the box
    assert page.evaluate("document.activeElement.id") == "reference"
    assert axe_violations(page) == []


def test_fifty_a_page_and_the_pagination_links(server, page):  # noqa: F811
    store = server.extensions["ivr.callbacks"]
    waiting = sum(len(store.list(status)) for status in ("new", "assigned", "attempted"))
    for index in range(max(0, 60 - waiting)):
        book(server, f"CA{index:032d}", {"when": "any", "voicemail": "yes", "identify": "yes"}, minutes=index)
    total = sum(len(store.list(status)) for status in ("new", "assigned", "attempted"))
    sign_in(page, "caseworker")
    page.goto("/admin/queue")
    rows = page.locator("#requests tbody tr")
    assert rows.count() == 50
    pages = page.get_by_role("navigation", name="Pages of requests")
    assert pages.get_by_role("link", name="Page 1").get_attribute("aria-current") == "page"
    assert axe_violations(page) == []
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url("**page=2**")
    assert rows.count() == total - 50
    assert page.locator("#requests caption").inner_text().endswith(f"51 to {total} of {total}")
    assert pages.get_by_role("link", name="Page 2").get_attribute("aria-current") == "page"
    assert axe_violations(page) == []


def test_assign_to_me_filters_overdue_and_a_lost_race(server, page):  # noqa: F811
    safety = {"when": "afternoon", "voicemail": "yes", "identify": "yes"}
    overdue = book(server, "CA" + "f" * 32, safety, due_at=dt.datetime(2026, 11, 24, 17, tzinfo=dt.UTC), relay=True)
    taken = book(
        server, "CA" + "9" * 32, safety, due_at=dt.datetime(2026, 11, 26, 17, tzinfo=dt.UTC), purpose="helpline"
    )
    sign_in(page, "caseworker")
    counts = page.locator("#queue-counts").inner_text()
    assert counts.endswith(" overdue") and " new, " in counts and not counts.endswith(" 0 overdue")

    page.goto("/admin/queue?show=overdue")
    table = page.locator("#requests")
    assert overdue.reference in table.inner_text() and taken.reference not in table.inner_text()
    row = table.locator("tr", has_text=overdue.reference)
    assert "Overdue was due Tuesday 24 November 2026, by 17:00" in row.inner_text()
    assert "Call through Relay UK" in row.inner_text()
    assert axe_violations(page) == []

    row.get_by_role("link").click()
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_text(f"Request {overdue.reference} is assigned to you.").wait_for()
    assert page.locator("#assigned").inner_text() == "You"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Back to the queue").click()
    page.get_by_role("navigation", name="Which requests").get_by_role("link", name="Assigned to me").click()
    page.wait_for_url("**show=mine**")
    links = page.locator("#requests").get_by_role("link").all_inner_texts()
    assert [link.split()[0] for link in links] == [overdue.reference]

    page.goto(f"/admin/queue/{taken.reference}")
    assert server.extensions["ivr.callbacks"].assign(taken.reference, "admin@example.org", START)  # meanwhile
    page.get_by_role("button", name="Assign to me").click()
    alert = page.get_by_role("alert")
    assert (
        f"Request {taken.reference} is already assigned to admin@example.org. Nothing was changed."
        in alert.inner_text()
    )
    assert page.locator("#assigned").inner_text() == "admin@example.org"
    assert axe_violations(page) == []
