"""Storing callback requests, on SQLite and on PostgreSQL: one per call under retries and
races, sealed at rest, purged after the retention period, and a refused write told plainly."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from ivr.callbacks.models import CallbackDraft, CallbackEvent, CallbackRequest
from ivr.callbacks.store import StoreError
from tests.conftest import OPEN, Caller

from .conftest import BOTH, MOBILE, fresh_database
from .test_journey import rows, to_booking

SAFETY = {"when": "morning", "voicemail": "no", "identify": "no"}


@pytest.fixture(params=BOTH)
def database_url(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    yield url
    drop()


def sid(n: int) -> str:
    return f"CA{n:032x}"


def test_a_booking_is_stored_once_with_its_history(store):
    made, created = store.book(sid(1), "en-GB", MOBILE, SAFETY, OPEN)
    again, created_again = store.book(sid(1), "en-GB", "+442079460101", SAFETY, OPEN)
    assert (created, created_again) == (True, False)
    assert again.reference == made.reference and again.number == MOBILE
    found = store.get(made.reference)
    assert (found.number, found.safe_time, found.voicemail_ok, found.say_who_is_calling) == (
        MOBILE,
        "morning",
        False,
        False,
    )
    assert [c.status for c in found.history] == ["new"]


def test_concurrent_webhooks_of_one_call_make_one_request(app, store):
    """Eight threads press the last key of one booking at once: one row, one reference for all."""
    barrier = threading.Barrier(8)
    results, errors = [], []

    def press():
        try:
            barrier.wait()
            results.append(store.book(sid(7), "en-GB", MOBILE, SAFETY, OPEN))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({made.reference for made, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert rows(app, CallbackRequest) == 1 and rows(app, CallbackEvent) == 1


def test_concurrent_last_answers_over_http_make_one_booking(app, mobile_caller):
    to_booking(mobile_caller)
    for key in "111":
        mobile_caller.press(key)
    action = mobile_caller.answer.gather.get("action")
    barrier = threading.Barrier(4)
    answers = []

    def post():
        caller = Caller(app.test_client(), from_number=MOBILE)
        barrier.wait()
        answers.append(caller.post(action, Digits="2"))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [booked] = app.extensions["ivr.callbacks"].list()
    assert all(a.status == 200 and "Your reference number is" in a.text for a in answers)
    assert rows(app, CallbackRequest) == 1 and rows(app, CallbackDraft) == 0
    assert booked.say_who_is_calling is False


def test_the_raw_tables_hold_no_number_or_answer(app, mobile_caller, database_url):
    to_booking(mobile_caller)
    mobile_caller.press("2")
    mobile_caller.press("07911123456")
    raw = create_engine(database_url)
    try:
        with raw.connect() as connection:
            draft = connection.execute(text("SELECT * FROM callback_drafts")).all()
            for key in "1411":
                mobile_caller.press(key)
            dumped = repr(draft) + repr(connection.execute(text("SELECT * FROM callback_requests")).all())
            dumped += repr(connection.execute(text("SELECT * FROM callback_events")).all())
    finally:
        raw.dispose()
    assert draft, "the draft was read while the booking was under way"
    for secret in ("7911", "123456", "+44", "any", "morning", "voicemail", '"yes"'):
        assert secret not in dumped
    assert app.extensions["ivr.callbacks"].list()[0].number == MOBILE


def test_a_request_cannot_be_read_without_its_key(app, store, database_url):
    from ivr.callbacks.crypto import DataKey
    from ivr.callbacks.store import CallbackStore

    made, _ = store.book(sid(2), "en-GB", MOBILE, SAFETY, OPEN)
    other = CallbackStore(store.db, DataKey("ZmFrZS1rZXktZmFrZS1rZXktZmFrZS1rZXktZmFrZTE="), 90)
    assert other.get(made.reference).number is None


def test_purge_removes_requests_past_retention_and_stale_drafts(app, store):
    old, _ = store.book(sid(3), "en-GB", MOBILE, SAFETY, OPEN - dt.timedelta(days=91))
    store.set_status(old.reference, "done", OPEN - dt.timedelta(days=80), note="rang back")
    kept, _ = store.book(sid(4), "en-GB", MOBILE, SAFETY, OPEN - dt.timedelta(days=89))
    store.save_draft(sid(5), {"node": "callback", "step": "when"}, OPEN - dt.timedelta(hours=5))
    store.save_draft(sid(6), {"node": "callback", "step": "when"}, OPEN - dt.timedelta(minutes=5))
    assert store.purge(OPEN) == 1
    assert [r.reference for r in store.list()] == [kept.reference]
    assert rows(app, CallbackEvent) == 1
    with store.db.session() as session:
        assert session.scalars(select(CallbackDraft.call_sid)).all() == [sid(6)]


def test_a_booking_purges_in_passing(app, store, mobile_caller):
    store.book(sid(3), "en-GB", MOBILE, SAFETY, OPEN - dt.timedelta(days=100))
    to_booking(mobile_caller)
    for key in "1111":
        mobile_caller.press(key)
    assert [r.call_sid for r in store.list()] == [mobile_caller.params["CallSid"]]


def test_status_changes_are_kept_with_times_and_notes(store):
    made, _ = store.book(sid(8), "en-GB", MOBILE, SAFETY, OPEN)
    later = OPEN + dt.timedelta(hours=2)
    store.set_status(made.reference, "assigned", later)
    store.set_status(made.reference, "could_not_reach", later + dt.timedelta(minutes=5), note="no answer")
    found = store.get(made.reference)
    assert found.status == "could_not_reach" and found.status_at == later + dt.timedelta(minutes=5)
    assert [(c.status, c.note) for c in found.history] == [
        ("new", ""),
        ("assigned", ""),
        ("could_not_reach", "no answer"),
    ]
    with pytest.raises(StoreError):
        store.set_status(made.reference, "lost", later)
    with pytest.raises(StoreError):
        store.set_status("000000", "done", later)


def test_the_queue_is_oldest_first_and_filters_by_status(store):
    second, _ = store.book(sid(9), "en-GB", MOBILE, SAFETY, OPEN)
    first, _ = store.book(sid(10), "cy-GB", MOBILE, SAFETY, OPEN - dt.timedelta(hours=1))
    store.set_status(second.reference, "done", OPEN)
    assert [r.reference for r in store.list()] == [first.reference, second.reference]
    assert [r.reference for r in store.list("new")] == [first.reference]
    assert [r.reference for r in store.list("done")] == [second.reference]


def test_a_database_that_refuses_the_write_is_told_plainly_and_leaves_nothing(app, mobile_caller, database_url):
    to_booking(mobile_caller)
    for key in "111":
        mobile_caller.press(key)
    raw = create_engine(database_url)
    try:
        with raw.begin() as connection:
            connection.execute(text("DROP TABLE callback_events"))
            connection.execute(text("DROP TABLE callback_attempts"))
            connection.execute(text("DROP TABLE callback_requests"))
        answer = mobile_caller.press("1")
    finally:
        raw.dispose()
    assert answer.status == 200
    assert answer.text.startswith("Sorry, we could not book your callback. Please call the victims' helpline on 0845")
    assert "booked" not in answer.text.replace("could not book", "")
    assert "/voice/input/callback_failed" in answer.gather.get("action")
    assert rows(app, CallbackDraft) == 0


def test_a_dead_database_is_told_plainly(app_config, database_url):
    """The database goes away mid-call: the caller hears the helpline number, never a 500."""
    from ivr import create_app
    from ivr.db import upgrade

    upgrade(database_url)
    app = create_app(app_config)
    caller = Caller(app.test_client(), from_number=MOBILE)
    to_booking(caller)
    caller.press("1")
    app.extensions["ivr.journey"].flush()  # the report events written before the database goes
    db = app.extensions["ivr.db"]
    db.dispose()
    db.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    db._sessions.configure(bind=db.engine)
    answer = caller.press("1")
    assert answer.status == 200
    assert "Sorry, we could not book your callback" in answer.text and "0845 758 5112" in answer.text
    db.dispose()


def test_the_cli_lists_json_shows_and_marks_done(app, store, runner, database_url, data_key, monkeypatch, tmp_path):
    from ivr.cli import main

    made, _ = store.book(sid(11), "en-GB", MOBILE, SAFETY, OPEN)
    monkeypatch.setenv("IVR_DATABASE_URL", database_url)
    monkeypatch.setenv("IVR_DATA_KEY", data_key)
    listed = runner.invoke(main, ["callbacks", "list", "--json", "--show-numbers", "--operator", "Sam Ops"])
    assert listed.exit_code == 0, listed.output
    [item] = json.loads(listed.output)
    assert {k: item[k] for k in ("call_sid", "number", "status", "reference")} == {
        "call_sid": sid(11),
        "number": MOBILE,
        "status": "new",
        "reference": made.reference,
    }
    assert dt.datetime.fromisoformat(item["created_at"]) == OPEN
    table = runner.invoke(main, ["callbacks", "list", "--status", "new"])
    assert made.reference in table.output and MOBILE not in table.output and "+44*******456" in table.output
    shown = runner.invoke(main, ["callbacks", "show", made.reference])
    assert shown.exit_code == 0 and "voicemail safe:     no" in shown.output
    done = runner.invoke(main, ["callbacks", "done", made.reference, "--note", "spoke to them"])
    assert done.exit_code == 0 and store.get(made.reference).status == "done"
    assert json.loads(runner.invoke(main, ["callbacks", "list", "--json", "--status", "new"]).output) == []
    missing = runner.invoke(main, ["callbacks", "show", "000000"])
    assert missing.exit_code == 1 and "no callback request" in missing.output
    bad = runner.invoke(main, ["callbacks", "list", "--status", "lost"])
    assert bad.exit_code == 2
    # The purge runs at the real time, and `made` was booked at the fixed OPEN: keep it by a retention that
    # reaches back past OPEN, and book the one to go two days before that.
    keep_days = (dt.datetime.now(dt.UTC) - OPEN).days + 1
    store.book(sid(12), "en-GB", MOBILE, SAFETY, OPEN - dt.timedelta(days=2))
    monkeypatch.setenv("IVR_RETENTION_DAYS", str(keep_days))
    purged = runner.invoke(main, ["callbacks", "purge"])
    assert purged.exit_code == 0, purged.output
    assert purged.output.startswith(f"purged 1 callback request(s) older than {keep_days} days")
    assert [r.reference for r in store.list()] == [made.reference]


def test_the_cli_without_a_key_says_how_to_set_one(runner, database_url, monkeypatch):
    from ivr.cli import main

    monkeypatch.setenv("IVR_DATABASE_URL", database_url)
    monkeypatch.setenv("IVR_DATA_KEY", "")
    monkeypatch.setattr("ivr.instance.instance_folder", lambda: __import__("pathlib").Path("/nonexistent-ivr-instance"))
    listed = runner.invoke(main, ["callbacks", "list", "--json"])
    assert listed.exit_code == 1 and "IVR_DATA_KEY is not set" in listed.output


def test_serve_local_makes_a_data_key_in_the_instance_folder(tmp_path):
    from ivr.callbacks.crypto import DataKey, local_data_key

    key = local_data_key(tmp_path)
    assert local_data_key(tmp_path) == key
    assert (tmp_path / "local-data-key").stat().st_mode & 0o777 == 0o600
    assert DataKey(key).open(DataKey(key).seal(MOBILE)) == MOBILE


def test_migrations_make_the_tables(database_url):
    from ivr.db import upgrade

    upgrade(database_url)
    upgrade(database_url)  # safe to repeat
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(CallbackRequest.__table__)) == 0
    finally:
        engine.dispose()
