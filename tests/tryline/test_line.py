"""Try the line: the page, and the JSON that rings the real line as a dry run."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from ivr import metrics
from ivr.callbacks.models import CallbackDraft, CallbackRequest
from ivr.flow import hours as line_calendar
from ivr.reports.models import JourneyEvent
from ivr.tryline import clock, runner

from ..conftest import CLOSED, OPEN
from ..helpers.pages import sign_in, token

PROTECTION = "If you are a victim of a violent or sexual crime"


@pytest.fixture
def app_config(app_config):
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()  # so a callback can be booked
    return app_config


def ring(client, inputs, **switches):
    response = client.post(
        "/admin/try/run",
        json={"switches": switches, "inputs": inputs},
        headers={"X-CSRFToken": token(client, "/admin/try")},
    )
    return response


def said(answer) -> str:
    return " ".join(e["text"] for e in answer["events"] if e["kind"] == "say")


def test_the_home_page_links_to_the_page_for_editors(editor):
    home = editor.get("/admin/").get_data(as_text=True)
    assert '<a class="govuk-link" href="/admin/try">Try the line</a>' in home
    page = editor.get("/admin/try").get_data(as_text=True)
    assert 'role="log"' in page
    for name in ("Call", "Hang up", "Stay silent"):
        assert f">{name}</button>" in page
    for key in "1234567890":
        assert f'data-key="{key}" disabled>{key}</button>' in page
    assert '<span class="govuk-visually-hidden">Star</span>' in page
    assert '<span class="govuk-visually-hidden">Hash</span>' in page
    assert "<script>" not in page and "style=" not in page  # nothing inline: CSP script-src 'self'


def test_a_caseworker_cannot_try_the_line(app, client, make_staff):
    sign_in(client, make_staff("case@example.org", "caseworker"))
    assert client.get("/admin/try").status_code == 403
    assert "Try the line" not in client.get("/admin/").get_data(as_text=True)


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get("/admin/try").status_code == 302
    assert client.post("/admin/try/run", json={}).status_code in (302, 400)


def test_press_1_then_4_hears_the_protection_guidance(editor):
    answer = ring(editor, ["1", "s", "4"]).get_json()
    assert PROTECTION in said(answer)
    assert answer["node"] == "protection"
    assert answer["waiting"] == "skip"  # guidance: any key skips, or it plays out
    assert answer["places"]["protection"] == "Guidance: protection"
    you = [e["text"] for e in answer["events"] if e["kind"] == "you"]
    assert you == ["You press 1", "You let it play.", "You press 4"]
    main = next(e for e in answer["events"] if e["kind"] == "say" and "There are 4 choices" in e["text"])
    assert main["node"] == "main"


def test_nothing_yet_pressed_waits_at_the_language_choice(editor):
    answer = ring(editor, []).get_json()
    assert answer["waiting"] == "key" and answer["node"] == "welcome"
    assert "call 999" in said(answer)


def test_closed_helpline_answers_differently_from_open(editor, clock):
    clock.now = OPEN
    opened = ring(editor, ["1", "s", "0"], hours="open").get_json()
    closed = ring(editor, ["1", "s", "0"], hours="closed").get_json()
    holiday = ring(editor, ["1", "s", "0"], hours="holiday").get_json()
    assert opened["node"] == "helpline_transfer" or any(e["kind"] == "transfer" for e in opened["events"])
    assert "Putting you through" in said(opened)
    assert closed["node"] == holiday["node"] == "helpline_closed"
    assert "closed at the moment" in said(closed)
    assert "Putting you through" not in said(closed)
    assert holiday["moment"].startswith("2026-12-25")  # Christmas Day: the next bank holiday listed


def test_a_busy_transfer_offers_the_callback(editor):
    answer = ring(editor, ["1", "s", "0"], transfer="busy").get_json()
    transfer = [e["text"] for e in answer["events"] if e["kind"] == "transfer"]
    assert transfer == ["Transfer to helpline (0845 758 5112): busy"]
    assert answer["node"] == "helpline_unavailable"
    assert "To ask for someone to call you back, press 1" in said(answer)


def test_a_booking_is_shown_and_nothing_is_stored_or_counted(app, editor):
    # Busy helpline -> 1 callback -> skip the introduction -> key a number (the test caller's own is
    # in Ofcom's drama range, which cannot be called back) -> 1 right -> morning -> voicemail no -> yes.
    calls = metrics.CALLS._value.get()
    booked = metrics.BOOKINGS.labels("booked")._value.get()
    answer = ring(editor, ["1", "s", "0", "1", "s", "07911123456#", "1", "1", "2", "1"], transfer="busy").get_json()
    bookings = [e["text"] for e in answer["events"] if e["kind"] == "booking"]
    assert len(bookings) == 1, said(answer)
    assert "+447911123456" in bookings[0] and "Not stored" in bookings[0]
    assert "reference" in said(answer).lower()
    assert app.extensions["ivr.callbacks"].list() == []
    with app.extensions["ivr.db"].session() as s:
        assert s.scalar(select(func.count()).select_from(CallbackRequest)) == 0
        assert s.scalar(select(func.count()).select_from(CallbackDraft)) == 0
    assert metrics.CALLS._value.get() == calls
    assert metrics.BOOKINGS.labels("booked")._value.get() == booked
    app.extensions["ivr.journey"].flush()
    with app.extensions["ivr.db"].session() as s:  # nothing for the reports (issue 11's journey events)
        assert s.scalar(select(func.count()).select_from(JourneyEvent)) == 0


def test_a_real_call_still_counts(app, caller):
    calls = metrics.CALLS._value.get()
    caller.ring()
    assert metrics.CALLS._value.get() == calls + 1
    app.extensions["ivr.journey"].flush()
    with app.extensions["ivr.db"].session() as s:
        assert s.scalar(select(func.count()).select_from(JourneyEvent)) > 0


def test_welsh_and_more_time_switches_start_the_call_so(editor):
    answer = ring(editor, ["s"], language="cy-GB", more_time=True).get_json()
    # Silence at the greeting carries on in the language so far: Welsh, slowly.
    assert answer["node"] == "keys_intro"
    assert "Pwyswch" in said(answer) or "pwyswch" in said(answer)


@pytest.mark.parametrize(
    "body",
    [
        {"switches": {"hours": "sometimes"}, "inputs": []},
        {"switches": {"language": "fr-FR"}, "inputs": []},
        {"switches": {"transfer": "maybe"}, "inputs": []},
        {"switches": {}, "inputs": ["12a"]},
        {"switches": {}, "inputs": "1"},
        {"switches": {}, "inputs": ["1"] * 201},
    ],
)
def test_bad_requests_are_refused_with_the_reason(editor, body):
    response = editor.post("/admin/try/run", json=body, headers={"X-CSRFToken": token(editor, "/admin/try")})
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_without_a_csrf_token_nothing_runs(editor):
    assert editor.post("/admin/try/run", json={"switches": {}, "inputs": []}).status_code == 400


def test_the_moments_chosen_make_the_real_hours_say_so(app):
    flow = app.extensions["ivr.line"]().flow
    hours = clock.helpline_hours(flow)
    for start in (OPEN, CLOSED):
        assert hours.is_open(clock.moment(flow, "open", start))
        closed = clock.moment(flow, "closed", start)
        assert not hours.is_open(closed) and line_calendar.closed_reason(hours, closed.date()) is None
        holiday = clock.moment(flow, "holiday", start)
        assert line_calendar.bank_holiday(holiday.date()) and not hours.is_open(holiday)


def test_bank_holidays_never_run_out(app):
    # The calendar comes from the holidays library (issue 12): 2030 has its bank holidays too.
    flow = app.extensions["ivr.line"]().flow
    holiday = clock.moment(flow, "holiday", OPEN.replace(year=2030))
    assert holiday.year in (2030, 2031) and line_calendar.bank_holiday(holiday.date())


def test_a_line_with_no_weekly_hours_has_no_holiday_to_try():
    import datetime as dt

    from ivr.flow.model import OpeningHours

    hours = OpeningHours("helpline", "Europe/London", ((),) * 7, frozenset())

    class Fake:
        class settings:
            person_route = ""

        nodes = {}

    Fake.settings.hours = {"helpline": hours}
    with pytest.raises(clock.NoSuchTime):
        clock.moment(Fake, "holiday", dt.datetime(2030, 1, 1, tzinfo=dt.UTC))


def test_inputs_are_checked():
    assert runner.clean_inputs(["1", "*", "#", "s", "say:call me back", "07911123456#"]) == [
        "1",
        "*",
        "#",
        "s",
        "say:call me back",
        "07911123456#",
    ]
    with pytest.raises(runner.TryError):
        runner.clean_inputs(["say:"])


def save_draft(app, email, prompt_id, text, language="en-GB"):
    from ivr.prompts import store

    with app.extensions["ivr.db"].session() as s:
        store.save_draft(s, language, prompt_id, text, 0, email)


def test_my_drafts_are_heard_only_when_chosen_and_only_mine(app, editor, make_staff):
    mine = "Hello from my draft. If you are in danger now, hang up and call 999."
    save_draft(app, "editor@example.org", "welcome.greeting", mine)
    save_draft(app, make_staff("other@example.org", "editor"), "keys.intro", "Someone else's draft words.")
    assert "My drafts (1 saved" in editor.get("/admin/try").get_data(as_text=True)
    drafted = ring(editor, ["1", "s"], words="drafts").get_json()
    assert mine in said(drafted)
    assert "Someone else's" not in said(drafted)
    live = ring(editor, ["1", "s"]).get_json()
    assert mine not in said(live) and "Welcome to the after-trial support line" in said(live)


def test_every_webhook_of_a_try_knows_it_is_a_dry_run_and_a_real_call_does_not(app, editor, caller):
    from flask import request

    from ivr import dryrun

    seen = []

    def note():  # what a recorder of journey events (reports) would check
        if request.path.startswith("/voice"):
            seen.append((request.path.split("?")[0], dryrun.active()))

    app.before_request_funcs.setdefault(None, []).append(note)  # the app has served requests already

    ring(editor, ["1", "s", "0", "1", "s"], transfer="busy")
    assert seen and all(dry for _, dry in seen)
    assert any(path.startswith("/voice/callback/") for path, _ in seen)
    seen.clear()
    caller.ring()
    assert seen == [("/voice", False)]
