"""`ivr callbacks list` / `show` on SQLite and PostgreSQL: numbers masked unless --show-numbers, which
the audit trail records with the operator's name (never the number); `--json` carries due (ISO 8601
with offset), attempts, purpose and assigned_to beside the keys it always had."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.callbacks.cli import mask
from tests.conftest import OPEN

from .conftest import BOTH, MOBILE, fresh_database

SAFETY = {"when": "morning", "voicemail": "yes", "identify": "no"}
DUE = dt.datetime(2026, 11, 27, 17, 0, tzinfo=dt.UTC)


@pytest.fixture(params=BOTH)
def database_url(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    yield url
    drop()


@pytest.fixture
def cli(app, runner, database_url, data_key, monkeypatch):
    from ivr.cli import main

    monkeypatch.setenv("IVR_DATABASE_URL", database_url)
    monkeypatch.setenv("IVR_DATA_KEY", data_key)
    monkeypatch.setenv("USER", "osuser")
    monkeypatch.setenv("LOGNAME", "osuser")
    return lambda *args: runner.invoke(main, ["callbacks", *args])


def audit(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def booked(store):
    made, _ = store.book("CA" + "1" * 32, "cy-GB", MOBILE, SAFETY, OPEN, due_at=DUE, purpose="helpline", relay=True)
    store.assign(made.reference, "officer@example.org", OPEN)
    store.record_attempt(made.reference, "officer@example.org", "no_answer", OPEN)
    return made


def test_list_masks_numbers_and_records_nothing(app, cli, booked):
    table = cli("list")
    assert table.exit_code == 0, table.output
    assert MOBILE not in table.output and "+44*******456" in table.output
    assert "2026-11-27 17:00" in table.output and "helpline" in table.output and "officer@example.org" in table.output
    listed = cli("list", "--json")
    [item] = json.loads(listed.output)
    assert item["number"] == "+44*******456" and MOBILE not in listed.output
    assert set(item) >= {"call_sid", "number", "status", "created_at", "due", "attempts", "purpose", "assigned_to"}
    assert item["due"] == "2026-11-27T17:00:00+00:00"  # the line's zone: London, GMT in November
    assert dt.datetime.fromisoformat(item["due"]) == DUE
    assert (item["attempts"], item["purpose"], item["assigned_to"], item["relay"]) == (
        1,
        "helpline",
        "officer@example.org",
        True,
    )
    assert item["language"] == "cy-GB"
    assert audit(app) == []


def test_show_numbers_prints_them_and_is_audited_with_the_operator(app, cli, booked):
    listed = cli("list", "--json", "--show-numbers", "--operator", "Sam Ops")
    assert json.loads(listed.output)[0]["number"] == MOBILE
    shown = cli("show", booked.reference, "--show-numbers")  # no --operator: the OS user
    assert MOBILE in shown.output and "call through Relay UK" in shown.output
    events = audit(app)
    assert events == [
        ("Sam Ops (terminal)", "callbacks.numbers_shown", f"at the terminal: 1 number(s) listed ({booked.reference})"),
        (
            "osuser (terminal)",
            "callbacks.numbers_shown",
            f"at the terminal: the number of request {booked.reference} shown",
        ),
    ]
    assert not any("7911" in detail for _, _, detail in events)


def test_show_masks_the_number_and_lists_attempts(app, cli, booked):
    shown = cli("show", booked.reference)
    assert shown.exit_code == 0, shown.output
    assert MOBILE not in shown.output and "+44*******456" in shown.output
    assert "no answer (officer@example.org)" in shown.output and "attempts:           1" in shown.output
    assert "helpline callback" in shown.output and "due:                2026-11-27T17:00:00+00:00" in shown.output
    assert audit(app) == []


@pytest.mark.parametrize(
    "number, masked",
    [("+447911123456", "+44*******456"), ("+12025550123", "+1*******123"), ("", ""), (None, None)],
)
def test_mask(number, masked):
    assert mask(number) == masked
