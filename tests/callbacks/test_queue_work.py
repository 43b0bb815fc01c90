"""The queue as caseworkers work it (issue 24), on SQLite and PostgreSQL: statuses follow the work
(new, assigned, attempted n of max, done, could not reach) and the home page counts them; old
"in progress" rows converted by the migration; no stuck requests (an account switched off gives
its requests back, an admin reassigns any, working another's asks first); closed requests
read-only; the history says who did what; the words on the request's page."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from sqlalchemy import create_engine, select, text

from ivr.audit import AuditEvent

from ..helpers.pages import token
from .conftest import BOTH, MOBILE, fresh_database

START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(params=BOTH)
def database_url(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def app_config(app_config):
    # Many requests from one number through the store, which holds the daily limit per number (issue 22, item 1;
    # tested in test_limit.py): these tests are about the work on requests, so the limit is set out of reach.
    return {**app_config, "IVR_BOOKINGS_PER_NUMBER_PER_DAY": "1000"}


def book(app, index, when="any", voicemail="yes", identify="yes", **extra):
    safety = {"when": when, "voicemail": voicemail, "identify": identify}
    booked = START + dt.timedelta(minutes=index)
    made, _ = app.extensions["ivr.callbacks"].book(
        f"CA{index:032d}", "en-GB", MOBILE, safety, booked, due_at=booked + dt.timedelta(days=2), **extra
    )
    return made


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, path, **data):
    return client.post(path, data={"csrf_token": token(client, "/admin/queue"), **data})


def audited(app, action):
    with app.extensions["ivr.db"].session() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return [(e.actor, e.detail) for e in session.scalars(query)]


def status_cell(page: str) -> str:
    return re.search(r'id="state">([^<]*)<', page).group(1)


# --- 1. statuses follow the work (item 4) ---------------------------------------------------------
def test_statuses_follow_the_work(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    first, second, third = (book(app, index).reference for index in range(3))
    path = f"/admin/queue/{first}"
    assert store.get(first).status == "new" and status_cell(text_of(caseworker.get(path))) == "New"
    post(caseworker, f"{path}/assign")
    assert store.get(first).status == "assigned" and status_cell(text_of(caseworker.get(path))) == "Assigned"
    post(caseworker, f"{path}/attempts", outcome="no_answer")
    assert store.get(first).status == "attempted"
    assert status_cell(text_of(caseworker.get(path))) == "Attempted (1 of 3)"
    post(caseworker, f"{path}/release")  # given back after a try: still attempted, nobody's
    assert (store.get(first).status, store.get(first).assigned_to) == ("attempted", None)

    post(caseworker, f"/admin/queue/{second}/assign")
    post(caseworker, f"/admin/queue/{second}/release")  # given back untried: new again
    assert store.get(second).status == "new"

    post(caseworker, f"/admin/queue/{third}/attempts", outcome="answered")  # answered, not yet closed
    assert store.get(third).status == "attempted"
    assert status_cell(text_of(caseworker.get(f"/admin/queue/{third}"))) == "Attempted: spoke to the caller"
    post(caseworker, f"/admin/queue/{third}", status="done")
    assert store.get(third).status == "done"
    queue = text_of(caseworker.get("/admin/queue"))
    row = re.search(rf"{first}<span.*?</tr>", queue, re.S).group(0)
    assert "Attempted (1 of 3)" in row


def test_the_home_page_and_the_queue_count_each_open_status(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    bookings = [book(app, index).reference for index in range(5)]
    store.assign(bookings[0], "caseworker@example.org", START)
    store.assign(bookings[1], "other@example.org", START)
    store.record_attempt(bookings[2], "caseworker@example.org", "no_answer", START)
    store.set_status(bookings[3], "done", START)
    assert store.counts(START) == {"new": 1, "assigned": 2, "attempted": 1, "overdue": 0}
    home = text_of(caseworker.get("/admin/"))
    assert '<strong id="queue-counts">1 new, 2 assigned, 1 attempted, 0 overdue</strong>' in home
    queue = text_of(caseworker.get("/admin/queue"))
    assert '<p class="govuk-body" id="counts">1 new, 2 assigned, 1 attempted, 0 overdue.' in queue


def test_the_cli_json_says_assigned_and_attempted(app, runner, database_url, monkeypatch):
    from ivr.cli import main

    store = app.extensions["ivr.callbacks"]
    held, tried = book(app, 1).reference, book(app, 2).reference
    store.assign(held, "caseworker@example.org", START)
    store.record_attempt(tried, "caseworker@example.org", "no_answer", START)
    monkeypatch.setenv("IVR_DATABASE_URL", database_url)
    monkeypatch.setenv("IVR_DATA_KEY", app.config["IVR_DATA_KEY"])
    listed = runner.invoke(main, ["callbacks", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {item["reference"]: item["status"] for item in json.loads(listed.output)} == {
        held: "assigned",
        tried: "attempted",
    }
    only = runner.invoke(main, ["callbacks", "list", "--json", "--status", "attempted"])
    assert [item["reference"] for item in json.loads(only.output)] == [tried]


def test_the_migration_turns_in_progress_into_what_was_done(database_url):
    """Rows from before 0014: "in progress" (or "new") held, tried or neither become assigned, attempted or new."""
    from alembic import command

    from ivr.db import alembic_config, upgrade

    command.upgrade(alembic_config(database_url), "0009_callback_work")
    engine = create_engine(database_url)
    rows = {  # reference: (status, assigned_to, tried)
        "100001": ("in_progress", "casey@example.org", False),
        "100002": ("in_progress", None, True),
        "100003": ("in_progress", None, False),
        "100004": ("new", "casey@example.org", False),
        "100005": ("new", None, False),
        "100006": ("done", "casey@example.org", True),
    }
    try:
        with engine.begin() as connection:
            for number, (reference, (status, holder, tried)) in enumerate(rows.items(), start=1):
                connection.execute(
                    text(
                        "INSERT INTO callback_requests (id, call_sid, reference, language, number_sealed, "
                        "safety_sealed, status, created_at, status_at, purpose, relay, assigned_to) VALUES "
                        "(:id, :sid, :reference, 'en-GB', :blob, :blob, :status, :at, :at, 'liaison', false, :holder)"
                    ),
                    {"id": number, "sid": f"CA{number}", "reference": reference, "blob": b"x", "status": status,
                     "at": START, "holder": holder},
                )
                if tried:
                    connection.execute(
                        text("INSERT INTO callback_attempts (request_id, at, staff, outcome) "
                             "VALUES (:id, :at, 'casey@example.org', 'no_answer')"),
                        {"id": number, "at": START},
                    )
        upgrade(database_url)
        with engine.connect() as connection:
            after = dict(connection.execute(text("SELECT reference, status FROM callback_requests")).all())
    finally:
        engine.dispose()
    assert after == {
        "100001": "assigned",
        "100002": "attempted",
        "100003": "new",
        "100004": "assigned",
        "100005": "new",
        "100006": "done",
    }


# --- 2. no stuck requests (item 3) ---------------------------------------------------------------
def staff_id(app, email):
    from ivr.staff.models import Staff

    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(Staff.id).where(Staff.email == email))


def test_switching_an_account_off_returns_its_open_requests_to_the_queue(app, admin_client, make_staff):
    store = app.extensions["ivr.callbacks"]
    casey = make_staff("casey@example.org", "caseworker")
    held, tried, closed, others = (book(app, index).reference for index in range(4))
    for reference in (held, tried, closed):
        store.assign(reference, casey, START)
    store.assign(others, "sam@example.org", START)
    store.record_attempt(tried, casey, "no_answer", START)
    store.set_status(closed, "done", START, staff=casey)
    answer = admin_client.post(
        f"/admin/accounts/{staff_id(app, casey)}/active",
        data={"csrf_token": token(admin_client, "/admin/accounts"), "active": "0"},
        follow_redirects=True,
    )
    page = text_of(answer)
    assert "casey@example.org can no longer sign in." in page
    assert f"2 callback requests casey@example.org held are back in the queue: {held}, {tried}." in page
    assert [(store.get(r).assigned_to, store.get(r).status) for r in (held, tried, closed, others)] == [
        (None, "new"),
        (None, "attempted"),
        (casey, "done"),  # closed: left as it was
        ("sam@example.org", "assigned"),
    ]
    last = store.get(held).history[-1]
    assert (last.by, last.detail) == (
        "admin@example.org",
        "returned to the queue: casey@example.org's account was switched off",
    )
    assert audited(app, "queue.returned") == [
        ("admin@example.org", f"2 request(s) held by casey@example.org returned to the queue: {held}, {tried}")
    ]


def test_an_admin_reassigns_any_request_and_a_caseworker_cannot(app, admin_client, make_staff):
    store = app.extensions["ivr.callbacks"]
    make_staff("casey@example.org", "caseworker")
    make_staff("sam@example.org", "caseworker")
    make_staff("eddie@example.org", "editor")
    reference = book(app, 1).reference
    store.assign(reference, "casey@example.org", START)
    path = f"/admin/queue/{reference}"
    page = text_of(admin_client.get(path))
    options = re.findall(r'<option value="([^"]*)"', page[page.index('id="reassign-to"') :])
    assert options == ["", "admin@example.org", "sam@example.org"]  # who can work the queue, not the holder
    assert post(admin_client, f"{path}/reassign", to="sam@example.org").status_code == 303
    moved = store.get(reference)
    assert (moved.assigned_to, moved.status) == ("sam@example.org", "assigned")
    assert (moved.history[-1].by, moved.history[-1].detail) == (
        "admin@example.org",
        "reassigned to sam@example.org (was casey@example.org)",
    )
    post(admin_client, f"{path}/reassign", to="")
    assert (store.get(reference).assigned_to, store.get(reference).status) == (None, "new")
    refused = post(admin_client, f"{path}/reassign", to="eddie@example.org")
    assert refused.status_code == 400 and "Choose someone who works the callback queue" in text_of(refused)
    assert audited(app, "queue.reassign") == [
        ("admin@example.org", f"request {reference} reassigned to sam@example.org (was casey@example.org)"),
        ("admin@example.org", f"request {reference} returned to the queue (was sam@example.org)"),
    ]


def test_a_caseworker_cannot_reassign(app, caseworker):
    reference = book(app, 1).reference
    app.extensions["ivr.callbacks"].assign(reference, "casey@example.org", START)
    assert 'id="reassign-to"' not in text_of(caseworker.get(f"/admin/queue/{reference}"))
    assert post(caseworker, f"/admin/queue/{reference}/reassign", to="caseworker@example.org").status_code == 403
    assert app.extensions["ivr.callbacks"].get(reference).assigned_to == "casey@example.org"


def test_working_a_request_somebody_else_holds_asks_first(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    reference = book(app, 1).reference
    store.assign(reference, "casey@example.org", START)
    path = f"/admin/queue/{reference}"
    asked = post(caseworker, f"{path}/attempts", outcome="no_answer")
    page = text_of(asked)
    assert asked.status_code == 409 and "This request is casey@example.org's. Record this attempt anyway?" in page
    assert store.get(reference).attempts == ()
    assert 'name="outcome" value="no_answer"' in page and 'name="confirm" value="yes"' in page
    assert post(caseworker, f"{path}/attempts", outcome="no_answer", confirm="yes").status_code == 302
    assert [(a.staff, a.outcome) for a in store.get(reference).attempts] == [("caseworker@example.org", "no_answer")]
    closing = post(caseworker, path, status="done", note="spoke")
    assert closing.status_code == 409
    assert "This request is casey@example.org's. Close it anyway?" in text_of(closing)
    assert store.get(reference).status == "attempted"
    assert post(caseworker, path, status="done", note="spoke", confirm="yes").status_code == 302
    assert store.get(reference).status == "done"


# --- 3. closed requests read-only (5), who did what (6), the words (9), safe to talk first (10) ----
def test_a_closed_request_is_read_only_says_when_and_by_whom_and_shows_no_number(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    reference = book(app, 1, voicemail="no", identify="no").reference
    path = f"/admin/queue/{reference}"
    post(caseworker, f"{path}/assign")
    post(caseworker, path, status="done", note="spoke to them")
    page = text_of(caseworker.get(path))
    plain = re.sub(r"<[^>]+>", "", page)
    assert "Closed on 25 November 2026 at 11:00 UK time by caseworker@example.org: Done: called back." in plain
    for gone in ("Warning: before you ring", "Show number", "Give back", "Assign to me", "Record attempt",
                 "What happened when you rang?", "Close this request", 'name="status"'):
        assert gone not in page, gone
    shown = post(caseworker, f"{path}/number")
    assert shown.status_code == 303 and "7911" not in text_of(caseworker.get(path))
    assert f"request {reference}: number shown" not in [d for _, d in audited(app, "queue.number")]
    again = post(caseworker, path, status="could_not_reach")
    assert again.status_code == 409 and store.get(reference).status == "done"


def test_the_history_says_who_did_each_thing(app, caseworker, make_staff):
    store = app.extensions["ivr.callbacks"]
    reference = book(app, 1).reference
    path = f"/admin/queue/{reference}"
    post(caseworker, f"{path}/assign")
    post(caseworker, f"{path}/attempts", outcome="no_answer")
    post(caseworker, path, status="done", note="rang back")
    page = text_of(caseworker.get(path))
    history = page[page.index("What has happened") :]
    lines = [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>(.*?)</li>", history, re.S)]
    assert lines == [
        "25 November 2026 at 09:01 UK time: Asked for by the caller, on the line",
        "25 November 2026 at 11:00 UK time: Assigned to caseworker@example.org, by caseworker@example.org",
        "25 November 2026 at 11:00 UK time: Attempt 1: no answer, by caseworker@example.org",
        "25 November 2026 at 11:00 UK time: Done: called back, by caseworker@example.org. Note: rang back",
    ]
    assert store.get(reference).closed.by == "caseworker@example.org"


def test_the_heading_names_the_request_in_words_and_buttons_have_no_stray_spaces(app, caseworker):
    made, _ = app.extensions["ivr.callbacks"].book(
        "CA" + "7" * 32, "cy-GB", MOBILE, {"when": "evening", "voicemail": "no", "identify": "no",
                                           "asked_at": "protection_callback"}, START,
    )
    page = text_of(caseworker.get(f"/admin/queue/{made.reference}"))
    assert f'<h1 class="govuk-heading-l">Callback request {made.reference}: protection guidance, Welsh, evening</h1>' in page
    assert page.count("What happened") == 1  # one heading for what happened when you rang
    for name in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S):
        spoken = re.sub(r"<[^>]+>", "", name)
        assert spoken == " ".join(spoken.split()), repr(spoken)
    assert "Assign to me<span class=\"govuk-visually-hidden\">: request " in page
    assert "Show number<span class=\"govuk-visually-hidden\">: request " in page


def test_every_request_says_check_it_is_safe_to_talk_first_and_what_the_caller_was_listening_to(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    safe = book(app, 1, voicemail="yes", identify="yes", ).reference  # nothing restricted
    asked, _ = store.book("CA" + "8" * 32, "en-GB", MOBILE, {"when": "morning", "voicemail": "yes",
                          "identify": "yes", "asked_at": "protection_callback"}, START)
    for reference in (safe, asked.reference):
        page = text_of(caseworker.get(f"/admin/queue/{reference}"))
        main = page[page.index("<main") :]
        first = main.index("Check it is safe to talk before you say who you are")
        assert first < main.index("Number to ring")
    page = text_of(caseworker.get(f"/admin/queue/{asked.reference}"))
    assert re.search(r'id="listening">Protection guidance<', page)
    old = text_of(caseworker.get(f"/admin/queue/{safe}"))
    assert re.search(r'id="listening">Not recorded \(booked before this was kept\)<', old)


def test_a_booking_on_the_line_keeps_where_the_caller_asked(app, store, mobile_caller):
    from .test_journey import to_booking

    to_booking(mobile_caller)
    for key in "1111":
        mobile_caller.press(key)
    [made] = store.list()
    assert made.asked_at == "protection_callback"


# --- 4. due times in the caller's window (item 2) ------------------------------------------------
WHEN_KEYS = {"morning": "1", "afternoon": "2", "evening": "3", "any": "4"}


@pytest.mark.parametrize(
    "when, due",
    [
        ("morning", dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)),  # Friday, by midday (London is UTC in November)
        ("afternoon", dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC)),
        ("evening", dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC)),  # "Evening, 5pm to 8pm": by 8pm, not 5pm
        ("any", dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC)),  # the working day's close
    ],
)
def test_a_booking_is_due_by_the_end_of_the_callers_window_on_a_working_day(store, mobile_caller, when, due):
    from .test_journey import to_booking

    to_booking(mobile_caller)  # Wednesday 25 November 2026, 11:00: due two working days later
    for key in ("1", WHEN_KEYS[when], "1", "1"):
        mobile_caller.press(key)
    [made] = store.list()
    assert (made.safe_time, made.due_at) == (when, due)


def test_the_queue_sorts_by_the_window_and_attempts_outside_it_say_so(app, caseworker, clock):
    store = app.extensions["ivr.callbacks"]
    friday = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    evening, _ = store.book("CA" + "1" * 32, "en-GB", MOBILE, {"when": "evening", "voicemail": "yes", "identify": "yes"},
                           START, due_at=friday.replace(hour=20))
    morning, _ = store.book("CA" + "2" * 32, "en-GB", MOBILE, {"when": "morning", "voicemail": "yes", "identify": "yes"},
                           START + dt.timedelta(minutes=5), due_at=friday.replace(hour=12))
    queue = text_of(caseworker.get("/admin/queue"))
    assert queue.index(morning.reference) < queue.index(evening.reference)
    clock.now = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)  # Thursday morning: not the evening
    post(caseworker, f"/admin/queue/{evening.reference}/attempts", outcome="no_answer")
    clock.now = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.UTC)
    post(caseworker, f"/admin/queue/{evening.reference}/attempts", outcome="no_answer")
    page = re.sub(r"<[^>]+>", "", text_of(caseworker.get(f"/admin/queue/{evening.reference}")))
    assert "26 November 2026 at 10:00 UK time (outside the caller's safe time: Evening, 5pm to 8pm)" in page
    assert "26 November 2026 at 18:30 UK time (outside" not in page


# --- 5. each purpose asks in the name of who will call (item 1) ---------------------------------
def test_the_helplines_callback_asks_in_the_helplines_name_and_the_request_shows_that_consent(
    app, clock, mobile_caller, store, caseworker
):
    from tests.conftest import CLOSED

    clock.now = CLOSED  # the helpline is closed: it offers its own callback
    mobile_caller.to_main_menu("1")
    mobile_caller.press("0")
    mobile_caller.press("1")
    mobile_caller.follow()
    when = mobile_caller.press("1")  # that number
    assert "When is it safe for the victims' helpline to call you?" in when.text and "officer" not in when.text
    identify = mobile_caller.press("4") and mobile_caller.press("1")
    assert "If it is safe to say we are from the victims' helpline, press 1" in identify.text
    assert "Probation" not in identify.text and "officer" not in identify.text
    mobile_caller.press("1")
    [made] = store.list()
    assert (made.purpose, made.say_who_is_calling) == ("helpline", True)
    page = text_of(caseworker.get(f"/admin/queue/{made.reference}"))
    row = 'Safe to say who is calling</dt><dd class="govuk-summary-list__value">Yes: they chose '
    assert row + "“If it is safe to say we are from the victims' helpline”<" in page


def test_the_liaison_officers_callback_asks_in_the_probation_services_name(mobile_caller, store, caseworker):
    from .test_journey import to_booking

    to_booking(mobile_caller)
    when = mobile_caller.press("1")
    assert "When is it safe for the officer to call you?" in when.text
    identify = mobile_caller.press("4") and mobile_caller.press("1")
    assert "If it is safe to say we are from the Probation Service, press 1" in identify.text
    assert "helpline" not in identify.text
    mobile_caller.press("1")
    [made] = store.list()
    page = text_of(caseworker.get(f"/admin/queue/{made.reference}"))
    row = 'Safe to say who is calling</dt><dd class="govuk-summary-list__value">Yes: they chose '
    assert row + "“If it is safe to say we are from the Probation Service”<" in page


def test_the_words_of_both_purposes_pass_ivr_check(runner):
    from ivr.cli import main
    from tests.conftest import ROOT

    checked = runner.invoke(main, ["check", str(ROOT / "flows.yaml")])
    assert checked.exit_code == 0, checked.output


# --- 6. two requests from one number (item 7) ----------------------------------------------------
def test_two_requests_from_one_number_are_marked_on_each_other(app, caseworker):
    store = app.extensions["ivr.callbacks"]
    safety = {"when": "any", "voicemail": "yes", "identify": "yes"}
    first, _ = store.book("CA" + "a" * 32, "en-GB", MOBILE, safety, START)
    second, _ = store.book("CA" + "c" * 32, "en-GB", MOBILE, safety, START + dt.timedelta(hours=1))
    other, _ = store.book("CA" + "e" * 32, "en-GB", "+447911654321", safety, START)
    assert store.same_number(first.reference) == [second.reference]
    assert store.same_number(other.reference) == []
    page = text_of(caseworker.get(f"/admin/queue/{first.reference}"))
    assert f"Another request from this number: {second.reference}" in re.sub(r"<[^>]+>", "", page)
    assert f'href="/admin/queue/{second.reference}"' in page
    assert "Another request from this number" not in text_of(caseworker.get(f"/admin/queue/{other.reference}"))


# --- 7. a closure added after booking moves the due date (item 8) ---------------------------------
def test_a_closure_added_after_booking_moves_the_due_dates_it_falls_on(app, admin_client):
    from ivr.callbacks.views import due

    store = app.extensions["ivr.callbacks"]
    flow = app.extensions["ivr.line"]().flow
    booked = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)  # Wednesday: due Friday
    safety = {"when": "evening", "voicemail": "yes", "identify": "yes"}
    moving, _ = store.book("CA" + "1" * 32, "en-GB", MOBILE, safety, booked, due_at=due(flow, booked, "evening"))
    later = booked + dt.timedelta(days=7)  # booked the next Wednesday: Thursday is not in its span
    staying, _ = store.book("CA" + "2" * 32, "en-GB", MOBILE, safety, later, due_at=due(flow, later, "evening"))
    assert moving.due_at == dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC)
    answer = admin_client.post(
        "/admin/calendar",
        data={"csrf_token": token(admin_client, "/admin/calendar"), "action": "close",
              "close_date": "26/11/2026", "close_note": "Office flooded"},
        follow_redirects=True,
    )
    assert f"1 open callback request is due later because of it: {moving.reference}." in text_of(answer)
    moved = store.get(moving.reference)
    assert moved.due_at == dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # Thu closed: Fri, Mon
    assert moved.history[-1].by == "admin@example.org"
    assert moved.history[-1].detail == (
        "due moved from Friday 27 November 2026, by 20:00 to Monday 30 November 2026, by 20:00: "
        "the line is closed on Thursday 26 November 2026 (Office flooded)"
    )
    assert store.get(staying.reference).due_at == staying.due_at
    assert audited(app, "queue.due_moved") == [
        ("admin@example.org", f"request {moving.reference}: due moved by the closure on Thursday 26 November 2026")
    ]


# --- 8. retention by kind (item 11) --------------------------------------------------------------
def test_retention_follows_each_kinds_timer_and_the_purge_is_audited_without_numbers(app):
    store = app.extensions["ivr.callbacks"]
    day = dt.timedelta(days=1)
    now = START
    safety = {"when": "any", "voicemail": "yes", "identify": "yes"}

    def made(index, created, status=None, closed=None, answered=False):
        item, _ = store.book(f"CA{index:032d}", "en-GB", MOBILE, safety, now - created)
        if answered:
            store.record_attempt(item.reference, "casey@example.org", "answered", now - closed)
        if status:
            store.set_status(item.reference, status, now - closed, staff="casey@example.org")
        return item.reference

    spoke = made(1, 50 * day, "done", 45 * day, answered=True)  # contact made: the general period from booking
    no_contact_old = made(2, 50 * day, "done", 43 * day)  # closed with no contact, over 6 weeks ago
    no_contact_new = made(3, 50 * day, "done", 41 * day)
    unreached = made(4, 100 * day, "could_not_reach", 99 * day)  # over IVR_RETENTION_DAYS, under 6 months
    unreached_old = made(5, 200 * day, "could_not_reach", 190 * day)
    waiting = made(6, 100 * day)  # open and past IVR_RETENTION_DAYS, as today
    assert store.purge(now) == 3
    assert sorted(r.reference for r in store.list()) == sorted([spoke, no_contact_new, unreached])
    assert {no_contact_old, unreached_old, waiting}.isdisjoint(r.reference for r in store.list())
    with app.extensions["ivr.db"].session() as session:
        [entry] = session.scalars(select(AuditEvent).where(AuditEvent.action == "callbacks.purged")).all()
    assert (entry.actor, entry.detail) == (
        "retention timer",
        "removed 3 callback request(s): 1 closed with no contact made over 42 days ago, 1 could not reach "
        "closed over 183 days ago, 1 booked over 90 days ago",
    )
    assert "7911" not in entry.detail


def test_the_retention_periods_are_settings(app_config, database_url):
    from ivr import create_app
    from ivr.db import upgrade

    upgrade(database_url)
    app = create_app({**app_config, "IVR_RETENTION_NO_CONTACT_DAYS": "10", "IVR_RETENTION_COULD_NOT_REACH_DAYS": "20"})
    store = app.extensions["ivr.callbacks"]
    assert (store.no_contact_retention.days, store.unreached_retention.days) == (10, 20)
    app.extensions["ivr.db"].dispose()
    with pytest.raises(Exception, match="IVR_RETENTION_NO_CONTACT_DAYS"):
        create_app({**app_config, "IVR_RETENTION_NO_CONTACT_DAYS": "soon"})
