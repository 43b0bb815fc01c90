"""The Reports page in a real browser: a manager signs in, reads the charts and their tables, axe finds nothing."""

from __future__ import annotations

import pytest

from ivr.staff import words
from ivr.staff.accounts import add_staff

from ..conftest import Caller
from ..helpers import staff as staff_helpers
from ..helpers.pages import PASSWORD
from ..staff.test_browser import axe_violations, browser, page, server  # noqa: F401  (the browser tests' fixtures)

pytestmark = pytest.mark.browser


def test_a_manager_reads_the_reports_page_and_axe_finds_no_violations(server, page):  # noqa: F811
    client = server.test_client()
    for n in range(12):
        caller = Caller(client, call_sid="CA" + f"{n + 100:032x}")
        caller.to_main_menu()
        caller.silence()
        caller.post("/voice/status", CallStatus="completed")
    server.extensions["ivr.journey"].flush()
    with server.extensions["ivr.db"].session() as session:
        staff_helpers.enrol(session, add_staff(session, "manager@example.org", "manager", PASSWORD))
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    staff_helpers.browser_sign_in(page, "manager@example.org", PASSWORD)
    page.get_by_role("link", name="Reports").first.click()
    page.get_by_label("First day").fill("2026-11-25")
    page.get_by_label("Last day").fill("2026-11-25")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/admin/reports?**")
    assert page.get_by_role("img", name="Calls each day").count() == 1
    assert page.get_by_role("table", name="Calls each day (the figures drawn above)").count() == 1
    assert "Callers struggle here" in page.content()
    assert axe_violations(page) == []
    label = words.node_label(server.extensions["ivr.line"]().flow, "main")
    page.get_by_label("Point of the call tree").select_option(label=label)
    page.get_by_role("button", name="Compare versions").click()
    page.wait_for_url("**node=main**")
    assert (
        page.get_by_role(
            "table", name='Main menu: "For help and support after the...", by published version of the words'
        ).count()
        == 1
    )
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these tables as CSV").click()
    assert download.value.suggested_filename == "line-report-2026-11-25-to-2026-11-25.csv"
    assert refused == []
