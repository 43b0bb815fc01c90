"""The queue's store functions on SQLite and PostgreSQL: assignment (two caseworkers, one winner),
the views (mine / unassigned / overdue / purpose / reference), paging sorted by due, and attempts
that close a request as "could not reach"."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from ivr.callbacks.models import CallbackAttempt
from ivr.callbacks.store import StoreError
from tests.conftest import OPEN

from .conftest import BOTH, MOBILE, fresh_database
from .test_journey import rows

SAFE = {"when": "morning", "voicemail": "yes", "identify": "yes"}
UNSAFE = {"when": "morning", "voicemail": "no", "identify": "no"}
DAY = dt.timedelta(days=1)


@pytest.fixture(params=BOTH)
def database_url(request, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    yield url
    drop()


def sid(n: int) -> str:
    return f"CA{n:032x}"


@pytest.fixture
def app_config(app_config):
    # Many requests from one number through the store, which holds the daily limit per number (issue 22, item 1;
    # tested in test_limit.py): these tests are about the queue, so the limit is set out of reach.
    return {**app_config, "IVR_BOOKINGS_PER_NUMBER_PER_DAY": "1000"}


def book(store, n, due, safety=SAFE, purpose="liaison"):
    made, _ = store.book(sid(n), "en-GB", MOBILE, safety, OPEN, due_at=due, purpose=purpose)
    return made.reference


@pytest.mark.parametrize("workers", [2, 8])
def test_two_caseworkers_press_assign_at_once_and_one_wins(store, workers):
    reference = book(store, 1, OPEN + DAY)
    barrier = threading.Barrier(workers)
    won, errors = {}, []

    def press(name):
        try:
            barrier.wait()
            won[name] = store.assign(reference, name, OPEN)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    names = [f"officer{i}@example.org" for i in range(workers)]
    threads = [threading.Thread(target=press, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    winners = [name for name, did in won.items() if did]
    assert len(won) == workers and len(winners) == 1
    assert store.get(reference).assigned_to == winners[0]
    assert store.get(reference).assigned_at == OPEN
    # the loser cannot take it afterwards either; the winner can give it back, then another takes it
    loser = next(name for name in names if name != winners[0])
    assert store.assign(reference, loser, OPEN) is False
    assert store.release(reference, loser) is False
    assert store.release(reference, winners[0]) is True
    assert store.assign(reference, loser, OPEN) is True


def test_views_filter_and_sort_by_due(store):
    late = book(store, 1, OPEN + 3 * DAY)
    soon = book(store, 2, OPEN + DAY, purpose="helpline")
    past = book(store, 3, OPEN - DAY)
    undated = book(store, 4, None)
    store.assign(soon, "a@example.org", OPEN)
    now = OPEN + dt.timedelta(hours=1)

    def refs(**kwargs):
        return [c.reference for c in store.page(now, **kwargs).items]

    assert refs() == [past, soon, late, undated]
    assert refs(view="mine", staff="a@example.org") == [soon]
    assert refs(view="unassigned") == [past, late, undated]
    assert refs(view="overdue") == [past]
    assert refs(purpose="helpline") == [soon]
    assert refs(purpose="liaison") == [past, late, undated]
    assert refs(reference=f" {late[:3]} {late[3:]} ") == [late]
    assert refs(reference="000000") == []
    assert store.counts(now) == {"new": 3, "assigned": 1, "attempted": 0, "overdue": 1}
    assert store.get(past).overdue(now) and not store.get(late).overdue(now)
    store.set_status(past, "done", now)
    assert refs(view="overdue") == [] and refs(state="closed") == [past]
    assert store.get(past).closed_reason == "done"
    assert store.counts(now) == {"new": 2, "assigned": 1, "attempted": 0, "overdue": 0}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"view": "everything"}, "unknown view"),
        ({"view": "mine"}, "needs the staff member"),
        ({"purpose": "police"}, "unknown purpose"),
        ({"state": "half"}, "unknown state"),
    ],
)
def test_a_bad_filter_is_told_plainly(store, kwargs, message):
    with pytest.raises(StoreError, match=message):
        store.page(OPEN, **kwargs)


def test_fifty_a_page(store):
    for n in range(1, 53):
        book(store, n, OPEN + n * dt.timedelta(minutes=1))
    first, second = store.page(OPEN), store.page(OPEN, number=2)
    assert (first.total, first.pages, len(first.items), len(second.items)) == (52, 2, 50, 2)
    assert [c.due_at for c in first.items] == sorted(c.due_at for c in first.items)
    assert second.items[-1].due_at == OPEN + 52 * dt.timedelta(minutes=1)
    assert store.page(OPEN, number=99).number == 2  # past the last page: the last page


def test_three_failed_attempts_close_the_request_as_could_not_reach(app, store):
    reference = book(store, 1, OPEN + DAY)
    later = [OPEN + i * dt.timedelta(hours=2) for i in range(1, 4)]
    one, closed1 = store.record_attempt(reference, "a@example.org", "no_answer", later[0])
    two, closed2 = store.record_attempt(reference, "b@example.org", "voicemail_left", later[1])
    three, closed3 = store.record_attempt(reference, "a@example.org", "wrong_number", later[2])
    assert (closed1, closed2, closed3) == (False, False, True)
    assert (one.status, two.status, three.status) == ("attempted", "attempted", "could_not_reach")
    assert three.closed_reason == "could_not_reach" and three.failed_attempts == 3
    assert [(a.staff, a.outcome, a.at) for a in three.attempts] == [
        ("a@example.org", "no_answer", later[0]),
        ("b@example.org", "voicemail_left", later[1]),
        ("a@example.org", "wrong_number", later[2]),
    ]
    assert [c.status for c in three.history] == ["new", "attempted", "attempted", "attempted", "could_not_reach"]
    with pytest.raises(StoreError, match="closed"):
        store.record_attempt(reference, "a@example.org", "answered", later[2])
    assert rows(app, CallbackAttempt) == 3


def test_an_answered_attempt_does_not_count_and_voicemail_needs_consent(store):
    reference = book(store, 1, OPEN + DAY, safety=UNSAFE)
    with pytest.raises(StoreError, match="voicemail"):
        store.record_attempt(reference, "a@example.org", "voicemail_left", OPEN)
    with pytest.raises(StoreError, match="unknown outcome"):
        store.record_attempt(reference, "a@example.org", "hung_up", OPEN)
    for outcome in ("no_answer", "answered", "not_safe_to_talk"):
        made, closed = store.record_attempt(reference, "a@example.org", outcome, OPEN)
        assert not closed
    assert made.status == "attempted" and made.failed_attempts == 2 and len(made.attempts) == 3


def test_purge_removes_attempts_with_their_request(app, store):
    reference = book(store, 1, OPEN + DAY)
    store.record_attempt(reference, "a@example.org", "no_answer", OPEN)
    assert store.purge(OPEN + dt.timedelta(days=store.retention.days + 1)) == 1
    assert rows(app, CallbackAttempt) == 0
