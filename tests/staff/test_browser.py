"""The staff area in a real browser: Debian's chromium driven by Playwright against a
real server on a free port. Sign in, edit and hear a prompt, publish it and ring the
line, roll back, upload a recording, work the callback queue, roles, keyboard use,
and an axe-core scan of every page.

Needs /usr/bin/chromium (never a downloaded browser; the test run installs it, tests/system_packages.py) and axe-core,
which the first browser test installs with `npm ci` in tests/staff (tests/staff/axe.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from ivr import create_app
from ivr.db import upgrade
from ivr.prompts import sound
from ivr.staff.accounts import add_staff

from ..conftest import Caller
from ..helpers import staff as staff_helpers
from ..helpers.live import serving
from ..helpers.pages import PASSWORD
from .axe import axe_script, ensure_axe

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("IVR_TEST_CHROMIUM", "/usr/bin/chromium")
AXE = axe_script()
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EDIT = "/admin/prompts/en-GB/welcome.greeting"
MOBILE = "+447911123456"


def _missing() -> str:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    installing = ensure_axe()
    if installing:
        return installing
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    return ""


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    """The app under a real threaded WSGI server on a free loopback port."""
    missing = _missing()
    if missing:
        pytest.fail(missing)  # never a skip: tests/system_packages.py installs chromium and npm first
    from ..conftest import ROOT, TOKEN, Clock

    folder = tmp_path_factory.mktemp("browser")
    config = {
        "TESTING": True,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_PUBLIC_URL": "https://line.example.org",
        "IVR_STAFF_SECURE_COOKIE": False,  # the browser talks plain http to 127.0.0.1
        # Written when editors signed in with the password alone (the keyboard-only sign-in ends at the start page);
        # two-step is on for them by default since issue 22.
        "IVR_STAFF_TWO_STEP_EDITORS": False,
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_SPEECH": "play",
        "IVR_AUDIO_DIR": str(folder / "audio"),
        "IVR_DATABASE_URL": f"sqlite:///{folder / 'ivr.sqlite3'}",
        "IVR_DATA_KEY": Fernet.generate_key().decode(),
        # The queue's page tests book many requests from one number straight through the store, which holds the
        # daily limit per number since issue 22 (item 1); the limit itself is tested in tests/callbacks/test_limit.py.
        "IVR_BOOKINGS_PER_NUMBER_PER_DAY": "1000",
        "IVR_CLOCK": Clock(),
        "SECRET_KEY": "browser-test-secret-key-of-enough-length",
    }
    config.update(getattr(request.module, "SERVER_CONFIG", {}))  # a test module's own settings, if it has any
    upgrade(config["IVR_DATABASE_URL"])
    app = create_app(config)
    with app.extensions["ivr.db"].session() as session:
        for role in ("editor", "caseworker", "admin"):
            staff_helpers.enrol(session, add_staff(session, f"{role}@example.org", role, PASSWORD))
        add_staff(session, "new.caseworker@example.org", "caseworker", PASSWORD)  # sets up two-step in a test
    with serving(app):
        yield app
    sound.shutdown()
    app.extensions["ivr.db"].dispose()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def sign_in(page, role):
    """Sign in as `role@example.org`: the password, then (admins, caseworkers) the two-step code."""
    staff_helpers.browser_sign_in(page, f"{role}@example.org", PASSWORD)


def axe_violations(page) -> list:
    """axe-core's WCAG 2.x A/AA and best-practice violations on the current page."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        # Not add_script_tag: the staff area's Content-Security-Policy refuses inline scripts,
        # and devtools' evaluation is outside it (as the tests are).
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return result


def wait_until(page, predicate: str, arg=None, timeout: float = 30) -> None:
    """page.wait_for_function, but polled from here: Playwright's own compiles the predicate with
    eval inside the page, which the staff area's Content-Security-Policy refuses."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {predicate}"
        page.wait_for_timeout(100)


def heard(app) -> str:
    """What a signed simulated call hears first: the words said, and the clips played (play mode)."""
    answer = Caller(app.test_client()).ring()
    return " ".join([answer.text] + [play.text.strip() for play in answer.findall("Play")])


def clip_of(app, words: str) -> str:
    """The clip name the audio pipeline gives these words as the greeting (what callers are played)."""
    name, _ = sound.draft_clip_name(app.extensions["ivr.line"]().flow, "welcome.greeting", words, "en-GB")
    return name


def test_edit_hear_publish_ring_and_roll_back(server, page):
    shipped = heard(server)
    sign_in(page, "editor")
    page.get_by_role("link", name="Prompts").first.click()
    page.get_by_role("link", name="Change welcome.greeting in English").click()
    words = page.get_by_label("Words (English)")
    words.fill("Call 08457585112 now")
    page.locator("#live-checks").get_by_text("Write it in groups, like 0845 758 5112").wait_for()  # checked as you type
    new = "Hello from the browser test. If you are in danger now, hang up and call 999."
    words.fill(new)
    page.locator("#live-checks").get_by_text("No problems found.").wait_for()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    assert page.locator("#draft-words").inner_text() == new

    audio = page.locator("#draft-audio")
    src = audio.get_attribute("src")
    wait_until(page, "() => document.getElementById('draft-audio').readyState >= 2", timeout=60)
    response = page.request.get(src)
    assert response.status == 200 and response.headers["content-type"].startswith("audio/wav")
    assert heard(server) == shipped  # a draft is not live

    page.get_by_role("button", name="Publish").click()
    # The greeting says 999: safety words wait for a second staff member, here the admin (issue 26, item 2).
    page.get_by_text("Waiting for approval").first.wait_for(timeout=90_000)
    assert heard(server) == shipped  # waiting words are still a draft
    page.context.clear_cookies()
    sign_in(page, "admin")
    page.goto(f"{EDIT}/approval")
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("live on all servers from their next call").wait_for()  # publish.py's message (issue 9)
    assert f"/audio/{clip_of(server, new)}.wav" in heard(server)  # the draft's own audio, now live

    page.goto(EDIT)
    page.get_by_role("link", name="History and rollback").click()
    assert "editor@example.org" in page.locator("table").inner_text()
    page.get_by_role("button", name="Roll back to this (the shipped words)").click()
    page.get_by_text("Rolled back to version as shipped.").wait_for()  # prompt_views' message (issue 9)
    # The shipped words again, now played from their own clip (a rollback renders first, as a publish does).
    original = server.extensions["ivr.line.shipped"].flow.prompts.text("welcome.greeting", "en-GB")
    assert f"/audio/{clip_of(server, original)}.wav" in heard(server)
    assert heard(server).split(" https://")[0] in shipped  # the rest of the greeting as before


def test_upload_and_publish_a_recording(server, page, tmp_path):
    import numpy as np
    import soundfile as sf

    rate = 16000
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
    file = tmp_path / "greeting.wav"
    sf.write(file, tone.astype(np.float32), rate)
    sign_in(page, "editor")
    page.goto(EDIT)
    page.get_by_label("Upload a recording").set_input_files(str(file))
    page.get_by_role("button", name="Upload recording").click()
    page.get_by_text("Recording uploaded and converted").wait_for()
    page.get_by_role("button", name="Publish recording").click()
    page.get_by_text("Recording published.").wait_for()
    assert page.get_by_text("callers hear this").is_visible()
    url = server.extensions["ivr.line"]().twiml.audio("welcome.greeting", "en-GB", False)
    assert url and "/audio/" in url
    page.get_by_role("button", name="Remove recording").click()
    page.get_by_text("Recording removed.").wait_for()


def test_a_caseworker_marks_a_callback_done(server, page):
    store = server.extensions["ivr.callbacks"]
    booked, _ = store.book(
        "CA" + "b" * 32,
        "en-GB",
        MOBILE,
        {"when": "morning", "voicemail": "no", "identify": "yes"},
        dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC),
    )
    sign_in(page, "caseworker")
    page.get_by_role("link", name="Callback queue").first.click()
    page.locator(f"a[href$='/admin/queue/{booked.reference}']").click()
    page.get_by_role("button", name="Show number").click()
    assert page.locator("#number").inner_text() == "07911 123456"
    page.get_by_label("Done: called back").check()
    page.get_by_label("Note (optional)").fill("Rang back, all fine")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"Request {booked.reference} marked: Done: called back.").wait_for()
    assert store.get(booked.reference).status == "done"


def test_an_editor_cannot_open_the_queue(server, page):
    sign_in(page, "editor")
    assert page.get_by_role("link", name="Callback queue").count() == 0
    response = page.goto("/admin/queue")
    assert response.status == 403
    assert page.get_by_role("heading", name="You cannot open this page").is_visible()


def test_keyboard_only_sign_in_with_visible_focus(server, page):
    page.goto("/admin/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        element = page.evaluate("document.activeElement.id")
        if element in ("email", "password"):
            focused.append(element)
            style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert style != "none"  # GOV.UK Frontend's yellow focus outline
            page.keyboard.type("editor@example.org" if element == "email" else PASSWORD)
        if element == "password":
            break
    assert focused == ["email", "password"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/#main-content")  # a redirect keeps the skip link's fragment


PAGES = {
    "editor": [EDIT, f"{EDIT}/history", "/admin/prompts", "/admin/diagram", "/admin/", "/admin/queue"],
    "caseworker": ["/admin/", "/admin/queue", "/admin/queue?show=overdue&purpose=helpline", "{request}"],
    "admin": ["/admin/accounts", "/admin/audit", "/admin/account", "/admin/accounts/1"],
}


def test_axe_finds_no_violations_on_any_page(server, page):
    found = {}
    refused = []  # what the Content-Security-Policy blocked (an inline script or style, say)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/admin/login")
    found["/admin/login"] = axe_violations(page)
    page.get_by_role("button", name="Sign in").click()  # the error summary
    found["/admin/login (errors)"] = axe_violations(page)

    store = server.extensions["ivr.callbacks"]
    booked, _ = store.book("CA" + "c" * 32, "en-GB", MOBILE, {"when": "any"}, dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    for role, paths in PAGES.items():
        sign_in(page, role)
        for path in paths:
            path = path.format(request=f"/admin/queue/{booked.reference}")
            page.goto(path)
            found[f"{path} ({role})"] = axe_violations(page)
        if role == "caseworker":  # the two-step code page, with its error
            page.context.clear_cookies()
            page.goto("/admin/login")
            page.get_by_label("Email address").fill("caseworker@example.org")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/admin/login/code")
            found["/admin/login/code"] = axe_violations(page)
            page.get_by_role("button", name="Continue").click()
            found["/admin/login/code (errors)"] = axe_violations(page)
        if role == "editor":
            page.goto(EDIT)
            page.get_by_label("Words (English)").fill("Press # now")
            page.get_by_role("button", name="Save draft").click()
            found[f"{EDIT} (field error)"] = axe_violations(page)
        page.context.clear_cookies()
    problems = {path: v for path, v in found.items() if v}
    assert problems == {}, json.dumps(problems, indent=1)
    assert len(found) >= 15
    assert refused == []


def test_the_diagram_is_inline_svg_with_keys(server, page):
    sign_in(page, "editor")
    page.goto("/admin/diagram")
    svg = page.locator(".app-diagram svg")
    assert svg.count() == 1
    assert "press 1" in svg.text_content()
    assert svg.get_attribute("role") == "img"


def test_two_step_set_up_at_first_sign_in_from_the_secret_as_text(server, page):
    page.goto("/admin/login")
    page.get_by_label("Email address").fill("new.caseworker@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/login/setup")
    assert page.get_by_role("img", name="Picture to scan with an authenticator app (a QR)").is_visible()
    secret = page.locator("#secret").text_content().replace(" ", "")
    assert len(secret) == 32
    assert axe_violations(page) == []
    step = int(time.time() // 30)
    near = {staff_helpers.code_at(secret, step + d) for d in (-1, 0, 1, 2)}
    page.get_by_label("Code").fill(next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in near))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_text("The code is not right").first.wait_for()
    page.get_by_label("Code").fill(staff_helpers.code_at(secret, int(time.time() // 30)))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.get_by_role("heading", name="Two-step sign-in is on: keep your recovery codes").wait_for()
    codes = page.locator(".staff-recovery-codes code").all_text_contents()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="Continue to the staff area").click()
    page.get_by_text("Signed in as new.caseworker@example.org (caseworker)").wait_for()
    # Signed out, the next sign-in takes a recovery code in place of the app's code.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").fill("new.caseworker@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")
