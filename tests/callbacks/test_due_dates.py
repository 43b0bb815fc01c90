"""Due dates and the booking's new answers, through the signed webhooks on SQLite and PostgreSQL:
N working days after booking (weekends, the 2026 and 2028 Christmases and an admin's closure
skipped), the figure the caller hears, the helpline's own callback, Relay UK numbers, the call's
language, and a closure set on one server heard on another."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from ivr.flow import hours as line_calendar
from ivr.flow import load_flow
from ivr.flow.hours import Exceptions
from tests.conftest import CLOSED, ROOT, Caller, running_app

from .conftest import BOTH, MOBILE, fresh_database
from .test_journey import step_of, to_booking

LONDON = ZoneInfo("Europe/London")
FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
HOURS = line_calendar.helpline_hours(FLOW)
SAFE = ("4", "1", "1")  # any time (due by the working day's close), voicemail safe, may say who is calling


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    "booked, due",
    [
        (london(2026, 11, 25, 11, 0), london(2026, 11, 27, 17, 0)),  # Wednesday -> Friday
        (london(2026, 11, 27, 16, 0), london(2026, 12, 1, 17, 0)),  # Friday -> Tuesday: the weekend skipped
        (london(2026, 11, 28, 10, 0), london(2026, 12, 1, 17, 0)),  # booked on a Saturday: Mon, Tue
        (london(2026, 12, 24, 11, 0), london(2026, 12, 30, 17, 0)),  # Christmas 2026: Fri 25 and Mon 28 off
        (london(2028, 12, 22, 11, 0), london(2028, 12, 28, 17, 0)),  # Christmas 2028: Mon 25 and Tue 26 off
        (london(2028, 12, 23, 23, 30), london(2028, 12, 28, 17, 0)),  # late on the Saturday before
        (london(2027, 3, 26, 11, 0), london(2027, 3, 31, 17, 0)),  # Good Friday 2027 booking; Easter Monday off
    ],
)
def test_due_is_the_end_of_the_second_working_day(booked, due):
    assert line_calendar.due_at(HOURS, booked, 2, line_calendar.NONE) == due


def test_an_admin_closure_and_an_extra_day_move_the_due_date():
    closed = Exceptions(closed={dt.date(2026, 12, 1): "staff training"})
    assert line_calendar.due_at(HOURS, london(2026, 11, 27, 16), 2, closed) == london(2026, 12, 2, 17)
    extra = Exceptions(extra={dt.date(2026, 11, 28): (dt.time(10), dt.time(14))})
    assert line_calendar.due_at(HOURS, london(2026, 11, 27, 16), 2, extra) == london(2026, 11, 30, 17)
    assert line_calendar.due_at(HOURS, london(2026, 11, 27, 16), 1, extra) == london(2026, 11, 28, 14)
    assert line_calendar.is_open(HOURS, london(2026, 11, 28, 11), extra)
    assert not line_calendar.is_open(HOURS, london(2026, 12, 1, 11), closed)
    # an extra day on a bank holiday opens it
    boxing = Exceptions(extra={dt.date(2026, 12, 28): (dt.time(9), dt.time(12))})
    assert line_calendar.is_open(HOURS, london(2026, 12, 28, 10), boxing)
    assert not line_calendar.is_open(HOURS, london(2026, 12, 28, 13), boxing)


# --- through the webhooks --------------------------------------------------------------------------
@pytest.fixture(params=BOTH)
def database_url(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    yield url
    drop()


def book_own_number(caller, answers=SAFE):
    to_booking(caller)
    caller.press("1")  # that number
    for key in answers:
        done = caller.press(key)
    return done


@pytest.mark.parametrize(
    "booked, due",
    [
        (dt.datetime(2026, 12, 24, 11, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 30, 17, 0, tzinfo=dt.UTC)),
        (dt.datetime(2028, 12, 22, 11, 0, tzinfo=dt.UTC), dt.datetime(2028, 12, 28, 17, 0, tzinfo=dt.UTC)),
        (dt.datetime(2027, 7, 16, 11, 0, tzinfo=dt.UTC), dt.datetime(2027, 7, 20, 16, 0, tzinfo=dt.UTC)),  # BST
    ],
)
def test_a_booking_is_due_two_working_days_later(clock, mobile_caller, store, booked, due):
    clock.now = booked
    done = book_own_number(mobile_caller)
    assert "A victim liaison officer will try to call you within 2 working days" in done.text
    [made] = store.list()
    assert made.due_at == due and made.purpose == "liaison" and made.relay is False and made.language == "en-GB"
    assert made.as_json(LONDON)["due"] == due.astimezone(LONDON).isoformat()


def test_an_admin_closure_set_in_the_database_moves_the_due_date(app, clock, mobile_caller, store):
    clock.now = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # a Friday
    app.extensions["ivr.calendar"].close(dt.date(2026, 12, 1), "staff training", "admin@example.org", clock.now)
    book_own_number(mobile_caller)
    [made] = store.list()
    assert made.due_at == dt.datetime(2026, 12, 2, 17, 0, tzinfo=dt.UTC)  # Mon 30, (Tue 1 closed), Wed 2


def test_a_callback_from_the_closed_helpline_is_the_helplines(clock, mobile_caller, store):
    clock.now = CLOSED  # Christmas Day: the helpline is closed
    mobile_caller.to_main_menu("1")
    closed = mobile_caller.press("0")
    assert "The victims' helpline is closed at the moment." in closed.text
    intro = mobile_caller.press("1")
    assert "Someone from the victims' helpline can call you back" in intro.text
    assert "violent" not in intro.text and "sentenced" not in intro.text and "liaison" not in intro.text
    mobile_caller.follow()
    mobile_caller.press("1")
    for key in SAFE:
        done = mobile_caller.press(key)
    assert "Someone from the victims' helpline will try to call you within 2 working days" in done.text
    assert "liaison" not in done.text
    [made] = store.list()
    assert made.purpose == "helpline"
    assert made.due_at == dt.datetime(2026, 12, 30, 17, 0, tzinfo=dt.UTC)  # Christmas Day: Tue 29, Wed 30


def test_the_busy_helplines_callback_is_the_helplines_too(clock, mobile_caller, store):
    mobile_caller.to_main_menu("1")
    mobile_caller.press("0")
    busy = mobile_caller.dial_ends("busy")
    assert "We could not put you through to the helpline" in busy.text
    assert "Someone from the victims' helpline can call you back" in mobile_caller.press("1").text


@pytest.mark.parametrize("prefix", ["18001", "18002"])
def test_a_relay_uk_number_is_stored_with_the_relay_flag(withheld_caller, store, prefix):
    answer = to_booking(withheld_caller)
    assert step_of(answer) == "number"
    confirm = withheld_caller.press(prefix + "07911123456")
    assert step_of(confirm) == "confirm"
    assert "zero seven nine one one" in confirm.text and "one eight zero zero" not in confirm.text
    withheld_caller.press("1")
    for key in SAFE:
        withheld_caller.press(key)
    [made] = store.list()
    assert (made.number, made.relay) == (MOBILE, True)


def test_a_number_keyed_without_relay_is_not_relay(withheld_caller, store):
    to_booking(withheld_caller)
    withheld_caller.press("07911123456")
    withheld_caller.press("1")
    for key in SAFE:
        withheld_caller.press(key)
    [made] = store.list()
    assert (made.number, made.relay) == (MOBILE, False)


def test_a_welsh_booking_records_welsh_and_says_the_figure(client, store):
    caller = Caller(client, from_number=MOBILE)
    to_booking(caller, "2")
    caller.press("1")
    for key in SAFE:
        done = caller.press(key)
    assert "o fewn dau ddiwrnod gwaith" in done.text
    [made] = store.list()
    assert made.language == "cy-GB"


def test_a_closure_set_on_one_server_is_heard_on_another(app_config, clock, tmp_path):
    """Two app instances on one database: an admin closes today on A; B's callers hear it closed."""
    app_config["IVR_CALENDAR_CACHE_SECONDS"] = "0.5"
    first, second = running_app(dict(app_config)), running_app(dict(app_config))
    a, b = next(first), next(second)
    try:
        caller = Caller(b.test_client(), from_number=MOBILE)
        caller.to_main_menu("1")
        assert caller.press("0").find("Dial") is not None  # open: put through
        a.extensions["ivr.calendar"].close(clock.now.date(), "flood", "admin@example.org", clock.now)
        time.sleep(0.6)
        caller = Caller(b.test_client(), from_number=MOBILE, call_sid="CA" + "c" * 32)
        caller.to_main_menu("1")
        closed = caller.press("0")
        assert closed.find("Dial") is None and "The victims' helpline is closed at the moment." in closed.text
    finally:
        for gen in (first, second):
            next(gen, None)


def test_ivr_check_refuses_words_that_give_another_figure(tmp_path):
    from ivr.errors import FlowError

    flow_text = (ROOT / "flows.yaml").read_text().replace("    working_days: 2\n", "    working_days: 3\n")
    (tmp_path / "flows.yaml").write_text(flow_text)
    with pytest.raises(FlowError) as caught:
        load_flow(tmp_path / "flows.yaml", ROOT / "prompts")
    message = str(caught.value)
    assert "prompt 'callback.next' (en-GB) must tell the caller 3 working day(s)" in message
    assert "prompt 'callback.next.helpline' (cy-GB) must tell the caller 3 working day(s)" in message
