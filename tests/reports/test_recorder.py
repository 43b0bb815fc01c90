"""The recorder: rows written the same on SQLite (driver executemany) and PostgreSQL (COPY), off the webhook's
thread, and dropped (counted) past its capacity."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from ivr.db import Database
from ivr.instance import migrate
from ivr.reports import recorder as recorder_module
from ivr.reports.models import JourneyEvent
from ivr.reports.recorder import COLUMNS, Recorder, digest_key
from tests.callbacks.conftest import BOTH, fresh_database

AT = dt.datetime(2026, 11, 25, 23, 30, 15, 123456, tzinfo=dt.UTC)  # 23:30 UTC: still the 25th in London
DAY = dt.date(2026, 11, 25)
# What webhooks hand over: the shared values once, then each event's (kind, node, detail).
ENTRIES = [
    (AT, DAY, "a" * 32, 3, [("language", "", "cy-GB", "", ""), ("key", "language", "", "main", "menu")]),
    (AT + dt.timedelta(seconds=1), DAY, "b" * 32, 4, [("transfer", "helpline", "helpline/busy", "", "")]),
]
ROWS = [
    (AT, DAY, "a" * 32, "language", "", "cy-GB", 3, "", ""),
    (AT, DAY, "a" * 32, "key", "language", "", 3, "main", "menu"),
    (AT + dt.timedelta(seconds=1), DAY, "b" * 32, "transfer", "helpline", "helpline/busy", 4, "", ""),
]


def add(recorder, entries) -> None:
    """Hand entries over as a webhook does: the shared values, then the events' fields one after another."""
    for at, day, call, version, events in entries:
        recorder.add(at, day, call, version, [field for event in events for field in event])


@pytest.fixture(params=BOTH)
def database(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    migrate(url)
    db = Database(url)
    yield db
    db.engine.dispose()
    drop()


def stored(db) -> list[tuple]:
    with db.session() as session:
        events = session.scalars(select(JourneyEvent).order_by(JourneyEvent.id)).all()
        rows = []
        for event in events:
            at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)  # SQLite keeps no offset
            rows.append((at.astimezone(dt.UTC), *(getattr(event, name) for name in COLUMNS[1:])))
        return rows


def test_rows_read_back_exactly(database):
    recorder = Recorder(database, digest_key("k"))
    add(recorder, ENTRIES)
    recorder.flush()
    assert stored(database) == ROWS


def test_long_names_are_cut_to_fit_their_columns(database):
    recorder = Recorder(database, digest_key("k"))
    recorder.add(AT, DAY, "c" * 32, 1, ["key", "n" * 80, "d" * 70, "t" * 90, "k" * 20])
    recorder.flush()
    assert stored(database) == [(AT, DAY, "c" * 32, "key", "n" * 64, "d" * 64, 1, "t" * 64, "k" * 16)]


def test_a_big_backlog_is_written_in_batches_each_call_whole(database, monkeypatch):
    monkeypatch.setattr(recorder_module, "BATCH", 2)
    recorder = Recorder(database, digest_key("k"))
    add(recorder, ENTRIES * 3)
    written = []
    write = recorder.write
    monkeypatch.setattr(recorder, "write", lambda entries: (written.append(len(entries)), write(entries)))
    recorder.flush()
    # Entries of 2, 1, 2, 1, 2, 1 events, at least BATCH=2 events a statement, an entry never split.
    assert written == [1, 2, 2, 1]
    assert stored(database) == ROWS * 3


def test_the_writer_thread_writes_without_a_flush_and_then_ends(database, monkeypatch):
    monkeypatch.setattr(recorder_module, "GATHER_SECONDS", 0.05)
    monkeypatch.setattr(recorder_module, "IDLE_SECONDS", 0.2)
    recorder = Recorder(database, digest_key("k"))
    add(recorder, ENTRIES)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(stored(database)) < len(ROWS):
        time.sleep(0.05)
    assert stored(database) == ROWS
    while time.monotonic() < deadline and recorder._thread is not None:
        time.sleep(0.05)
    assert recorder._thread is None  # idle: gone
    add(recorder, ENTRIES[1:])  # and back when there is work
    assert recorder._thread is not None
    recorder.flush()
    assert len(stored(database)) == len(ROWS) + 1


def dropped() -> float:
    return REGISTRY.get_sample_value("ivr_journey_events_dropped_total") or 0.0


def test_past_capacity_rows_are_dropped_and_counted(tmp_path, monkeypatch):
    url, _ = fresh_database("sqlite", tmp_path)
    migrate(url)
    monkeypatch.setattr(recorder_module, "CAPACITY", 2)  # webhooks' entries
    monkeypatch.setattr(recorder_module, "GATHER_SECONDS", 60)  # the writer sleeps through the test
    database = Database(url)
    recorder = Recorder(database, digest_key("k"))
    before = dropped()
    add(recorder, ENTRIES)
    add(recorder, ENTRIES[:1])  # full: this one's two events go
    assert dropped() - before == 2
    recorder.flush()
    assert stored(database) == ROWS
    database.engine.dispose()


def test_the_digest_names_no_call_and_is_stable():
    recorder = Recorder(None, digest_key("secret"))
    sid = "CA" + "0123456789abcdef" * 2
    digest = recorder.digest(sid)
    assert digest == recorder.digest(sid) and len(digest) == 32 and sid not in digest
    assert Recorder(None, digest_key("other")).digest(sid) != digest
    for not_a_call in ("", "CA123", sid + "\n", "XX" + sid[2:], sid.replace("0", "g")):
        assert recorder.digest(not_a_call) is None


def test_the_day_of_an_event_is_the_day_in_london_across_midnight_and_the_clock_change():
    from ivr.line.journey import _Days
    from ivr.reports import line_day

    days = _Days()
    moments = [
        dt.datetime(2026, 6, 30, 22, 59, 59, tzinfo=dt.UTC),  # 23:59:59 in London (summer time)
        dt.datetime(2026, 6, 30, 23, 0, 0, tzinfo=dt.UTC),  # midnight in London: the 1st of July
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),  # the clocks go back that night
        dt.datetime(2026, 10, 25, 23, 59, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 26, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC),  # back in time: the remembered day is not trusted
    ]
    for moment in moments:
        assert days.day(moment) == line_day(moment), moment


def test_a_waiting_entry_is_nothing_the_garbage_collector_keeps_visiting():
    """Entries wait up to half a second (hundreds of them); flat tuples of strings, numbers and dates are dropped
    from the collector's lists at its first pass, so waiting costs the webhooks' own collections nothing."""
    import gc

    recorder = Recorder(None, digest_key("k"))
    recorder._thread = object()  # no writer: the entries stay where they are
    add(recorder, ENTRIES)
    gc.collect()
    assert [gc.is_tracked(entry) for entry in recorder._pending] == [False, False]


def test_a_malformed_entry_is_dropped_alone(database):
    """Events come five fields each; one that does not is dropped (counted) at once, not with the batch it joins."""
    recorder = Recorder(database, digest_key("k"))
    before = dropped()
    add(recorder, ENTRIES[:1])
    recorder.add(AT, DAY, "d" * 32, 1, ["key", "main", ""])  # three fields
    add(recorder, ENTRIES[1:])
    recorder.flush()
    assert dropped() - before == 1 and stored(database) == ROWS
