"""One calendar: bank holidays from the `holidays` library, weekly hours, extra closures, due dates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ivr.doctor import check_hours
from ivr.flow import hours as line_calendar
from ivr.flow.model import OpeningHours

LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = ((dt.time(9), dt.time(17)),)


def weekdays(closed=()):
    return OpeningHours("helpline", "Europe/London", (NINE_TO_FIVE,) * 5 + ((), ()), frozenset(closed))


def at(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("booked", "due"),
    [
        (at(2026, 12, 24, 10), dt.date(2026, 12, 30)),  # the example: Christmas, Boxing Day (Mon) skipped
        (at(2026, 11, 27, 16), dt.date(2026, 12, 1)),  # Friday: the weekend is skipped
        (at(2026, 11, 28, 11), dt.date(2026, 12, 1)),  # Saturday: Mon, Tue
        (at(2026, 11, 25, 23, 30), dt.date(2026, 11, 27)),  # late evening counts from the same local day
        (at(2028, 12, 22, 12), dt.date(2028, 12, 28)),  # 2028: Mon 25 and Tue 26 December skipped
        (at(2028, 12, 29, 9), dt.date(2029, 1, 3)),  # 2029's New Year's Day; never runs out
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(booked, due):
    result = line_calendar.due_at(weekdays(), booked, 2)
    assert result.date() == due
    assert result.timetz().replace(tzinfo=None) == dt.time(17)
    assert result.isoformat().endswith("+00:00")


def test_due_date_skips_a_closure_day():
    assert line_calendar.due_at(weekdays(), at(2026, 11, 25, 10), 2).date() == dt.date(2026, 11, 27)
    closed = weekdays(closed={dt.date(2026, 11, 26)})
    assert line_calendar.due_at(closed, at(2026, 11, 25, 10), 2).date() == dt.date(2026, 11, 30)


def test_the_line_is_shut_on_christmas_2028_though_no_date_is_typed():
    hours = weekdays()
    assert not hours.is_open(at(2028, 12, 25, 11))
    assert not line_calendar.is_open(hours, at(2028, 12, 26, 11))
    assert hours.is_open(at(2028, 12, 27, 11))
    assert line_calendar.closed_reason(hours, dt.date(2028, 12, 25)) == "bank holiday: Christmas Day"
    assert line_calendar.next_working_day(hours, dt.date(2028, 12, 22)) == dt.date(2028, 12, 27)


def test_open_hours_are_read_in_the_line_time_zone():
    hours = weekdays()
    assert hours.is_open(dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC))  # 09:30 BST
    assert not hours.is_open(dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.UTC))  # 17:30 BST
    assert not hours.is_open(at(2026, 11, 28, 11))  # Saturday


def test_doctor_warns_when_no_hours_in_the_next_60_days():
    class Flow:
        class settings:
            hours = {"helpline": weekdays()}

    assert check_hours(Flow, dt.date(2026, 11, 25))[0].ok
    Flow.settings.hours = {"helpline": OpeningHours("helpline", "Europe/London", ((),) * 7, frozenset())}
    finding = check_hours(Flow, dt.date(2026, 11, 25))[0]
    assert not finding.ok and "no opening hours in the next 60 days" in finding.what


def test_the_shipped_flow_keeps_weekly_hours_and_types_no_bank_holidays(tmp_path):
    from pathlib import Path

    from ivr.flow import read_flow

    root = Path(__file__).resolve().parents[2]  # the repository (this file is in tests/flow/)
    flow, problems, _ = read_flow(str(root / "flows.yaml"), str(root / "prompts"))
    assert flow is not None
    hours = flow.settings.hours["helpline"]
    assert hours.holidays == frozenset()
    assert not hours.is_open(at(2028, 12, 25, 11))
    assert hours.is_open(at(2028, 12, 27, 11))


def test_doctor_counts_an_admins_closures(tmp_path):
    """Closures set in the staff area over the next 60 days leave no hours: the doctor says so."""
    from ivr.calendar.store import CalendarStore
    from ivr.db import Database, upgrade
    from ivr.doctor import admin_days

    class Flow:
        class settings:
            hours = {"helpline": weekdays()}

    url = f"sqlite:///{tmp_path / 'ivr.sqlite3'}"
    upgrade(url)
    db = Database(url)
    calendar = CalendarStore(db, cache_seconds=0)
    start = dt.date(2026, 11, 25)
    for i in range(60):
        calendar.close(start + dt.timedelta(days=i), "refit", "admin@example.org", at(2026, 11, 25, 9))
    db.dispose()
    closures = admin_days({"IVR_DATABASE_URL": url})
    assert len(closures.closed) == 60
    assert not check_hours(Flow, start, closures)[0].ok
    assert check_hours(Flow, start)[0].ok  # without them, weekdays are open
