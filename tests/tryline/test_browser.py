"""Try the line in a real browser (Debian's chromium): ring, press keys on the keypad and the
keyboard, hear the clips in order with their words in the log, the switches for opening
hours and transfers, and an axe-core scan. The server plays pre-rendered clips for the
protection guidance (rendered once here); the rest of the line falls back to <Say>,
whose words the page writes without audio.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import shutil

import pytest
from cryptography.fernet import Fernet

from ivr import create_app
from ivr.db import upgrade
from ivr.prompts import sound
from ivr.staff.accounts import add_staff

from ..helpers.live import serving
from ..helpers.pages import PASSWORD
from ..staff.test_browser import CHROMIUM, LAUNCH_ARGS, _missing, axe_violations, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROTECTION = ("protection.skip", "protection.who", "protection.detained")
LOG = "#transcript"


def render_clips(folder, prompt_ids):
    """Render the normal-speed English clips of `prompt_ids` into an audio folder, as `ivr prompts render` would."""
    from ivr.audio.clips import flow_clips
    from ivr.audio.store import AudioStore
    from ivr.audio.synth import engine_version, render_in_worker
    from ivr.flow import load_flow

    from ..conftest import ROOT

    flow = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
    store = AudioStore(folder)
    wanted = [
        c
        for c in flow_clips(flow, engine_version())
        if c.prompt_id in prompt_ids and c.language == "en-GB" and not c.slow
    ]
    context = multiprocessing.get_context("spawn")
    with futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        for clip, wav in zip(wanted, pool.map(render_in_worker, [c.spec for c in wanted]), strict=True):
            store.write(clip.name, wav)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    missing = _missing()
    if missing:
        pytest.fail(missing)  # never a skip: tests/system_packages.py installs chromium and npm first
    from ivr.audio.synth import SpeechError, engine_version

    try:
        engine_version()
    except SpeechError as exc:
        pytest.fail(f"espeak-ng is needed to render the clips: {exc}")
    from ..conftest import ROOT, TOKEN, Clock

    folder = tmp_path_factory.mktemp("try-browser")
    flow_dir = folder / "line"
    flow_dir.mkdir()
    shutil.copy(ROOT / "flows.yaml", flow_dir / "flows.yaml")
    render_clips(folder / "audio", PROTECTION)
    config = {
        "TESTING": True,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_PUBLIC_URL": "https://line.example.org",
        "IVR_STAFF_SECURE_COOKIE": False,
        "IVR_FLOW": str(flow_dir / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_SPEECH": "play",
        "IVR_AUDIO_DIR": str(folder / "audio"),
        "IVR_DATABASE_URL": f"sqlite:///{folder / 'ivr.sqlite3'}",
        "IVR_DATA_KEY": Fernet.generate_key().decode(),
        "IVR_CLOCK": Clock(),
        "SECRET_KEY": "try-browser-test-secret-key-of-enough-length",
    }
    upgrade(config["IVR_DATABASE_URL"])
    app = create_app(config)
    with app.extensions["ivr.db"].session() as session:
        for role in ("editor", "admin"):
            add_staff(session, f"{role}@example.org", role, PASSWORD)
    app.flow_file = flow_dir / "flows.yaml"
    with serving(app):
        yield app
    sound.shutdown()
    app.extensions["ivr.db"].dispose()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS + ["--autoplay-policy=no-user-gesture-required"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.base_url)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def clip_path(server, prompt_id: str) -> str:
    url = server.extensions["ivr.line"]().twiml.audio(prompt_id, "en-GB", False)
    assert url, f"no clip rendered for {prompt_id}"
    return url.removeprefix(server.config["IVR_PUBLIC_URL"])


def open_try_page(page, role="editor"):
    sign_in(page, role)
    page.get_by_role("main").get_by_role("link", name="Try the line").click()
    page.wait_for_url("**/admin/try")


def log_text(page) -> str:
    return page.get_by_role("log").inner_text()


def ring_to_main_menu(page):
    page.get_by_role("button", name="Call", exact=True).click()
    page.get_by_role("log").get_by_text("hang up and call 999").first.wait_for()
    page.get_by_role("button", name="1", exact=True).click()  # the keypad
    page.get_by_role("log").get_by_text("There are 4 choices").wait_for()  # the key guide played out


def test_call_press_1_on_the_keypad_and_4_on_the_keyboard_hears_the_protection_guidance(server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url.removeprefix(server.base_url)))
    open_try_page(page)
    ring_to_main_menu(page)
    page.get_by_role("button", name="Hang up").focus()  # keys work wherever focus is, outside the text box
    page.keyboard.press("4")
    page.get_by_role("log").get_by_text("You press 4").wait_for()
    who = server.extensions["ivr.line"]().flow.prompts.text("protection.who", "en-GB")
    page.get_by_role("log").get_by_text(who[:40]).wait_for(timeout=30_000)
    wait_until(
        page,
        "path => performance.getEntriesByType('resource').some(e => e.name.endsWith(path))",
        clip_path(server, "protection.who"),
        timeout=30,
    )
    assert clip_path(server, "protection.skip") in requested
    assert clip_path(server, "protection.who") in requested
    # Written as spoken: the clips come one after another, so later guidance is not in the log yet.
    later = server.extensions["ivr.line"]().flow.prompts.text("protection.conditions", "en-GB")
    assert later[:40] not in log_text(page)
    assert requested.index(clip_path(server, "protection.skip")) < requested.index(clip_path(server, "protection.who"))
    current = page.locator("#try-diagram g.node.app-try-current title")
    assert current.text_content() == "protection"
    assert page.locator("#try-where").inner_text() == "The caller is at: Guidance: protection"
    assert page.get_by_role("log").get_attribute("aria-live") == "polite"
    page.get_by_role("button", name="Hang up").click()
    page.get_by_role("log").get_by_text("You hang up.").wait_for()
    assert page.get_by_role("button", name="Star").is_disabled()


def test_a_closed_helpline_answers_differently_from_an_open_one(server, page):
    open_try_page(page)
    ring_to_main_menu(page)
    page.keyboard.press("0")
    page.get_by_role("log").get_by_text("Putting you through to the victims' helpline").wait_for()
    page.get_by_role("log").get_by_text("Transfer to helpline (0845 758 5112): answered").wait_for()
    page.get_by_text("The call has ended.").wait_for()  # put through, then goodbye
    opened = log_text(page)
    assert "closed at the moment" not in opened

    page.get_by_label("Closed", exact=True).check()
    ring_to_main_menu(page)
    page.get_by_role("button", name="0", exact=True).click()
    page.get_by_role("log").get_by_text("closed at the moment").wait_for()
    closed = log_text(page)
    assert "Putting you through" not in closed
    assert page.locator("#try-diagram g.node.app-try-current title").text_content() == "helpline_closed"


def test_a_busy_transfer_offers_the_callback(server, page):
    open_try_page(page)
    page.get_by_label("Busy").check()
    ring_to_main_menu(page)
    page.keyboard.press("0")
    page.get_by_role("log").get_by_text("Transfer to helpline (0845 758 5112): busy").wait_for()
    page.get_by_role("log").get_by_text("To ask for someone to call you back, press 1").wait_for()
    page.keyboard.press("*")  # star repeats the choices
    page.get_by_role("log").get_by_text("You press *").wait_for()


def test_axe_finds_no_violations_on_the_try_page(server, page):
    open_try_page(page)
    assert axe_violations(page) == []
    ring_to_main_menu(page)
    assert axe_violations(page) == []


def test_save_a_call_as_a_test_then_replay_it(server, page):
    open_try_page(page)
    ring_to_main_menu(page)
    page.keyboard.press("2")  # prison guidance
    page.get_by_role("log").get_by_text("You press 2").wait_for()
    page.get_by_role("button", name="Hang up").click()
    page.get_by_label("Name of the test call").fill("Prison contact, browser")
    page.get_by_role("button", name="Save this call as a test").click()
    page.get_by_text("Saved as a test call: Prison contact, browser.").wait_for()
    page.get_by_role("link", name="See the saved test calls").click()
    row = page.get_by_role("row", name="Prison contact, browser")
    assert "1, (silence), 2" in row.inner_text()
    assert axe_violations(page) == []
    row.get_by_role("button", name="Replay").click()
    page.get_by_text("The call answers as it did when saved.").wait_for()
    assert axe_violations(page) == []


def test_a_saved_test_call_blocks_a_publish_that_breaks_it_and_passes_one_that_does_not(server, page):
    open_try_page(page)
    ring_to_main_menu(page)
    page.keyboard.press("4")
    page.get_by_role("log").get_by_text("You press 4").wait_for()
    page.get_by_role("button", name="Hang up").click()
    page.get_by_label("Name of the test call").fill("Protection guard")
    page.get_by_role("button", name="Save this call as a test").click()
    page.get_by_text("Saved as a test call: Protection guard.").wait_for()

    original = server.flow_file.read_text()
    swapped = original.replace("prompt: main.help\n        goto: help\n", "prompt: main.help\n        goto: TMP\n")
    swapped = swapped.replace(
        "prompt: main.protection\n        goto: protection\n", "prompt: main.protection\n        goto: help\n"
    )
    server.flow_file.write_text(swapped.replace("goto: TMP\n", "goto: protection\n"))  # key 4 now reaches help
    try:
        page.goto("/admin/prompts/en-GB/main.help")
        page.get_by_label("Words (English)").fill("For help and support once the trial is over")
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Draft saved.").wait_for()
        page.get_by_role("button", name="Publish", exact=True).click()
        page.locator("#publish-problems").get_by_text("Saved test call 'Protection guard'").wait_for()
        assert "now waits at Guidance: help" in page.locator("#publish-problems").inner_text()
        assert page.locator("#confirm").count() == 0  # an editor cannot confirm it
        assert axe_violations(page) == []
    finally:
        server.flow_file.write_text(original)
    page.get_by_role("button", name="Publish", exact=True).click()
    from playwright.sync_api import expect

    expect(page.locator("#live-words")).to_have_text("For help and support once the trial is over", timeout=90_000)


def test_keyboard_only_call_and_hang_up(server, page):
    open_try_page(page)
    page.get_by_role("button", name="Call", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("log").get_by_text("hang up and call 999").first.wait_for()
    assert page.evaluate("document.activeElement.getAttribute('data-key')") == "1"  # focus moved to the keypad
    page.keyboard.press("1")
    page.get_by_role("log").get_by_text("There are 4 choices").wait_for()
    page.keyboard.press("#")  # back, from the main menu
    page.get_by_role("log").get_by_text("You press #").wait_for()
    page.get_by_role("button", name="Hang up").focus()
    page.keyboard.press("Enter")
    page.get_by_role("log").get_by_text("You hang up.").wait_for()
    assert page.evaluate("document.activeElement.id") == "try-call"


def test_focus_stays_at_the_top_of_the_page_on_load(server, page):
    """Issue 26, item 9: a screen reader starts at the page's top, not on "Call"."""
    open_try_page(page)
    page.wait_for_function("document.querySelector('[data-key]').disabled === true")  # the page's script ran
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement === document.body || document.activeElement === null")
    assert page.evaluate("document.activeElement.id") != "try-call"
    page.get_by_role("button", name="Call", exact=True).click()  # once a call starts, the keys take the focus
    page.get_by_role("log").get_by_text("hang up and call 999").first.wait_for()
    page.get_by_role("button", name="Hang up").click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'try-call'")
