"""Retention: events older than IVR_EVENT_RETENTION_DAYS go in the callbacks' purge; daily totals stay."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ivr.callbacks import purge_expired
from ivr.reports.models import JourneyDaily, JourneyEvent
from tests.conftest import OPEN, Caller

from .conftest import report

DAY = OPEN.date()


def count(app, model) -> int:
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_old_events_go_and_their_daily_totals_stay(app, client, clock):
    app.config["IVR_EVENT_RETENTION_DAYS"] = 5
    for n in range(3):
        caller = Caller(client, call_sid="CA" + f"{n:032x}")
        caller.to_main_menu()
        caller.silence()
        caller.post("/voice/status", CallStatus="completed")
    app.extensions["ivr.journey"].flush()
    before = report(app, DAY)
    events = count(app, JourneyEvent)
    assert events > 0 and before["calls"] == 3

    clock.now = OPEN + dt.timedelta(days=5)  # within the retention: rolled up, kept
    purge_expired(app)
    assert count(app, JourneyEvent) == events and count(app, JourneyDaily) > 0

    clock.now = OPEN + dt.timedelta(days=6)  # past it: the events go, the totals stay
    purge_expired(app)
    assert count(app, JourneyEvent) == 0
    after = report(app, DAY, today=DAY + dt.timedelta(days=6))
    assert after == before
    assert after["nodes"]["main"] == {"entered": 3, "left": 3, "silence": 3, "wrong_key": 0, "gave_up": 3}


def test_unrolled_events_are_never_purged(app, client, clock):
    app.config["IVR_EVENT_RETENTION_DAYS"] = 1
    Caller(client, call_sid="CA" + "e" * 32).ring()
    app.extensions["ivr.journey"].flush()
    recorded = count(app, JourneyEvent)
    clock.now = OPEN + dt.timedelta(days=1)  # past the retention, but the day is not finished yet
    purge_expired(app)
    assert recorded > 0 and count(app, JourneyEvent) == recorded


def test_ivr_callbacks_purge_purges_events_too(app, client, runner, monkeypatch):
    from ivr.cli import main

    Caller(client, call_sid="CA" + "d" * 32).ring()
    app.extensions["ivr.journey"].flush()
    monkeypatch.setenv("IVR_DATABASE_URL", app.config["IVR_DATABASE_URL"])
    monkeypatch.setenv("IVR_EVENT_RETENTION_DAYS", "1")
    result = runner.invoke(main, ["callbacks", "purge"])
    assert result.exit_code == 0, result.output
    assert "journey event(s) older than 1 days (their daily totals are kept)" in result.output


def call_across_midnight(client, clock, call_sid: str) -> None:
    """A call from 30 s before midnight after DAY to 30 s after it: the main menu, then silence, then the end."""
    midnight = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(0), dt.UTC)  # November: London is UTC
    clock.now = midnight - dt.timedelta(seconds=30)
    caller = Caller(client, call_sid=call_sid)
    caller.to_main_menu()
    clock.now = midnight + dt.timedelta(seconds=30)
    caller.silence()
    caller.post("/voice/status", CallStatus="completed")


def test_a_call_across_midnight_is_one_call_before_and_after_the_roll_up(app, client, clock):
    """Its events fall on two days; the second day's totals must not count its tail as a call of their own."""
    call_across_midnight(client, clock, "CA" + "f" * 32)
    both_days = (DAY, DAY + dt.timedelta(days=1))
    before = report(app, *both_days, today=both_days[1])  # nothing rolled yet: read from the events
    after = report(app, *both_days, today=both_days[1] + dt.timedelta(days=5))  # both days rolled
    assert before["calls"] == 1 and before["nodes"]["main"]["silence"] == 1
    assert after == before


def test_a_call_across_midnight_is_one_call_with_one_days_retention(app, client, clock):
    """The purge keeps the last rolled day's events: the next day's roll-up needs them to see a call began then."""
    from ivr.reports.summary import purge

    call_across_midnight(client, clock, "CA" + "9" * 32)
    app.extensions["ivr.journey"].flush()
    db = app.extensions["ivr.db"]
    for days_on in (2, 3, 4):  # the purge runs each day, as it does at every start and booking
        purge(db, DAY + dt.timedelta(days=days_on), retention_days=1)
    with db.session() as session:
        query = select(JourneyDaily.day, JourneyDaily.count).where(JourneyDaily.kind == "calls")
        calls = {day: count for day, count in session.execute(query)}
    assert calls == {DAY: 1}
