"""Safety words approved in a real browser (chromium, Playwright): the editor asks, the admin sees the
difference on the approval page and approves; the words reach callers only then; axe-core clean."""

from __future__ import annotations

import pytest

from ..conftest import Caller
from ..staff.test_browser import axe_violations, browser, page, server, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
# The words are said with <Say>: a publish then renders no clips, so the page never waits on the speech process, which
# a draft clip this page loads may hold (in full runs the publish once waited past 90 s). Play mode's publish is
# tested in test_browser_publishing.py.
SERVER_CONFIG = {"IVR_SPEECH": "say"}
EDIT = "/admin/prompts/en-GB/helpline.number"
NEW = "The helpline's number is 0845 758 5112. Again: 0845 758 5112."


def heard_number(app) -> str:
    caller = Caller(app.test_client())
    caller.post("/voice/node/helpline_number?l=en-GB&m=0&s=0&w=0")
    return caller.answer.text


def test_an_admin_approves_an_editors_safety_words(server, page):  # noqa: F811
    before = heard_number(server)
    sign_in(page, "editor")
    page.goto(EDIT)
    page.get_by_label("Words (English)").fill("The helpline's number is 0845 758 5113.")
    page.locator("#live-checks").get_by_text("is not one of the line's numbers").wait_for()  # as you type
    page.get_by_label("Words (English)").fill(NEW)
    page.locator("#live-checks").get_by_text("No problems found.").wait_for()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Waiting for approval: these are safety words").wait_for(timeout=90_000)
    assert "Waiting for approval" in page.locator("#waiting-for-approval").inner_text()
    assert axe_violations(page) == []
    assert heard_number(server) == before  # waiting words are a draft

    page.context.clear_cookies()
    sign_in(page, "admin")
    page.goto("/admin/prompts/approvals")
    assert axe_violations(page) == []
    page.locator("#waiting").get_by_role("link").first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert "It says a phone number." in page.locator("#reasons").inner_text()
    difference = " ".join(page.locator("#difference").inner_text().split())
    assert "removed: victims' helpline added: helpline's number" in difference
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send back").click()  # no note: the field says what is missing
    page.get_by_text("Say what should change").first.wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("Approved and published.").wait_for(timeout=90_000)
    assert axe_violations(page) == []
    assert heard_number(server) != before  # callers hear the approved words from their next call
    page.goto(EDIT)
    assert page.locator("#live-words").inner_text() == NEW
    page.get_by_role("link", name="History and rollback").click()
    assert "editor@example.org, approved by admin@example.org" in page.locator("table").inner_text()
