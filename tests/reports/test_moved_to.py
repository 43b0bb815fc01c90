"""A move folded into the event that caused it (to_node, to_kind: migration 0013) counts exactly as the separate
"entered" rows written before it, so a period that spans the upgrade reports one way."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from ivr.reports.models import JourneyEvent
from ivr.reports.recorder import COLUMNS
from ivr.reports.summary import events_between, summarise
from tests.callbacks.conftest import BOTH, fresh_database

AT = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 7)


def rows(call: str, events) -> list[SimpleNamespace]:
    """Events of one call, a second apart: (kind, node, detail, to_node, to_kind)."""
    return [
        SimpleNamespace(
            call=call,
            at=AT + dt.timedelta(seconds=i),
            day=DAY,
            kind=kind,
            node=node,
            detail=detail,
            version=2,
            to_node=to_node,
            to_kind=to_kind,
        )
        for i, (kind, node, detail, to_node, to_kind) in enumerate(events)
    ]


SEPARATE = [  # as written before 0013: every move its own row
    ("call_started", "", "", "", ""),
    ("entered", "greeting", "guidance", "", ""),
    ("entered", "language", "language", "", ""),
    ("key", "language", "", "", ""),
    ("language", "", "en-GB", "", ""),
    ("entered", "main", "menu", "", ""),
    ("wrong_key", "main", "", "", ""),
    ("key", "main", "", "", ""),
    ("entered", "helpline_transfer", "transfer", "", ""),
    ("transfer", "helpline_transfer", "helpline/busy", "", ""),
    ("entered", "helpline_busy", "menu", "", ""),
    ("call_ended", "", "completed", "", ""),
]
FOLDED = [  # the same call as written now
    ("call_started", "", "", "greeting", "guidance"),
    ("entered", "language", "language", "", ""),
    ("key", "language", "", "", ""),
    ("language", "", "en-GB", "main", "menu"),
    ("wrong_key", "main", "", "", ""),
    ("key", "main", "", "helpline_transfer", "transfer"),
    ("transfer", "helpline_transfer", "helpline/busy", "helpline_busy", "menu"),
    ("call_ended", "", "completed", "", ""),
]


def test_a_folded_call_counts_as_its_separate_rows():
    separate, folded = summarise(rows("a" * 32, SEPARATE)), summarise(rows("a" * 32, FOLDED))
    assert folded == separate
    assert separate[(DAY, 2, "entered", "helpline_busy", "")] == 1
    assert separate[(DAY, 2, "left", "helpline_busy", "")] == 1  # where the call was when it ended
    assert separate[(DAY, 2, "to_person", "", "under_30s")] == 1  # reached the transfer 8 s in
    assert separate[(DAY, 2, "outcome", "", "hung_up")] == 1


def test_calls_of_both_forms_add_up_together():
    both = summarise(rows("a" * 32, SEPARATE) + rows("b" * 32, FOLDED))
    assert both[(DAY, 2, "calls", "", "")] == 2 and both[(DAY, 2, "entered", "main", "")] == 2


@pytest.fixture(params=BOTH)
def database_url(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    yield url
    drop()


def test_the_migration_keeps_every_move_both_ways(database_url):
    """0013 adds the columns (old rows read as before); undone, each folded move becomes its own "entered" row."""
    from alembic import command
    from sqlalchemy import create_engine, select

    from ivr.db import alembic_config, upgrade
    from ivr.reports.summary import events_between

    upgrade(database_url)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            for row in rows("a" * 32, FOLDED):
                connection.execute(
                    JourneyEvent.__table__.insert().values(
                        {name: getattr(row, name) for name in COLUMNS},
                    )
                )
        with Session(engine) as session:
            before = summarise(events_between(session, DAY, DAY))
        command.downgrade(alembic_config(database_url), "0012_journey_call_index")
        with engine.connect() as connection:
            kinds = connection.execute(text("SELECT kind, node, detail FROM journey_events ORDER BY id")).all()
            assert [tuple(k) for k in kinds] == [event[:3] for event in SEPARATE]  # in the order reports read
            connection.execute(  # and a new row still gets a new id
                text(
                    "INSERT INTO journey_events (at, day, call, kind, node, detail, version) "
                    "VALUES (:at, :day, :call, 'call_ended', '', 'completed', 2)"
                ),
                {"at": AT, "day": dt.date(2026, 12, 1), "call": "z" * 32},
            )
            connection.commit()
        upgrade(database_url)
        with Session(engine) as session:
            after = summarise(events_between(session, DAY, DAY))
            assert session.scalar(select(JourneyEvent.to_node).limit(1)) == ""  # undone: moves are rows again
        assert after == before == summarise(rows("a" * 32, SEPARATE))
    finally:
        engine.dispose()


def test_a_call_served_by_two_workers_is_read_in_the_order_it_happened(database_url):
    """Each worker (and server) has its own writer: a later webhook's rows can be written, and numbered, before an
    earlier one's. Reports read a call's events in time order, so where it ended is where it really was."""
    from ivr.db import Database, upgrade
    from ivr.reports.recorder import Recorder, digest_key

    upgrade(database_url)
    db = Database(database_url)
    try:
        first, second = Recorder(db, digest_key("k")), Recorder(db, digest_key("k"))
        call = "c" * 32
        second.add(AT + dt.timedelta(seconds=20), DAY, call, 2, ["key", "main", "", "protection", "guidance"])
        second.add(AT + dt.timedelta(seconds=30), DAY, call, 2, ["call_ended", "", "completed", "", ""])
        second.flush()  # this worker's batch is written first...
        first.add(AT, DAY, call, 2, ["call_started", "", "", "main", "menu"])
        first.add(AT + dt.timedelta(seconds=10), DAY, call, 2, ["silence", "main", "", "", ""])
        first.flush()  # ...and the start of the call after it
        with Session(db.engine) as session:
            totals = summarise(events_between(session, DAY, DAY))
        assert totals[(DAY, 2, "left", "protection", "")] == 1 and totals[(DAY, 2, "left", "main", "")] == 0
        assert totals[(DAY, 2, "outcome", "", "hung_up")] == 1
    finally:
        db.engine.dispose()
