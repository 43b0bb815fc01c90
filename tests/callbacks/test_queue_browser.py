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


def test_a_request_worked_in_the_browser_someone_elses_then_closed(server, page):  # noqa: F811
    """Issue 24: the heading in words, "check it is safe to talk" first, buttons named without stray
    spaces, the question before working somebody else's request, the status following the work,
    and a closed request read-only; axe on each page."""
    safety = {"when": "evening", "voicemail": "no", "identify": "no", "asked_at": "protection_callback"}
    booked, _ = server.extensions["ivr.callbacks"].book("CA" + "5" * 32, "cy-GB", MOBILE, safety, START)
    reference = booked.reference
    server.extensions["ivr.callbacks"].assign(reference, "admin@example.org", START)
    sign_in(page, "caseworker")
    page.goto(f"/admin/queue/{reference}")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Callback request {reference}: protection guidance, Welsh, evening"
    safe = page.locator("#safe-to-talk")
    assert "Check it is safe to talk before you say who you are" in safe.inner_text()
    assert safe.bounding_box()["y"] < page.get_by_role("region", name="Warning: before you ring").bounding_box()["y"]
    assert page.get_by_role("button", name=f"Show number: request {reference}", exact=True).is_visible()
    assert page.locator("#listening").inner_text() == "Protection guidance"
    assert axe_violations(page) == []

    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Record attempt").click()
    question = page.get_by_role("heading", level=1)
    assert question.inner_text() == "This request is admin@example.org's. Record this attempt anyway?"
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, go ahead").click()
    page.wait_for_url(f"**/admin/queue/{reference}")
    assert page.locator("#state").inner_text() == "Attempted (1 of 3)"

    page.get_by_label("Done: called back").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == "This request is admin@example.org's. Close it anyway?"
    page.get_by_role("button", name="Yes, go ahead").click()
    page.wait_for_url("**/admin/queue")
    page.goto(f"/admin/queue/{reference}")
    closed = page.locator("#closed")
    assert "by caseworker@example.org: Done: called back." in closed.inner_text()
    assert page.get_by_role("button", name=f"Show number: request {reference}").count() == 0
    assert page.get_by_role("region", name="Warning: before you ring").count() == 0
    assert page.get_by_role("button").filter(has_text="Save").count() == 0
    history = page.get_by_role("heading", name="What has happened").locator("xpath=following-sibling::ul[1]")
    assert "Attempt 1: no answer, by caseworker@example.org" in history.inner_text()
    assert axe_violations(page) == []


def test_an_admin_reassigns_a_request_in_the_browser(server, page):  # noqa: F811
    safety = {"when": "morning", "voicemail": "yes", "identify": "yes"}
    booked, _ = server.extensions["ivr.callbacks"].book("CA" + "6" * 32, "en-GB", MOBILE, safety, START)
    server.extensions["ivr.callbacks"].assign(booked.reference, "caseworker@example.org", START)
    sign_in(page, "admin")
    page.goto(f"/admin/queue/{booked.reference}")
    choose = page.get_by_label("Reassign this request")
    assert "caseworker@example.org" not in choose.locator("option").all_inner_texts()
    assert axe_violations(page) == []
    choose.select_option("Nobody: back to the queue")
    page.get_by_role("button", name="Reassign").click()
    page.get_by_text(f"Request {booked.reference} is back in the queue: nobody has it.").wait_for()
    assert page.locator("#assigned").inner_text() == "Nobody yet"
    assert page.locator("#state").inner_text() == "New"
    assert axe_violations(page) == []
