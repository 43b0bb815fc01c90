"""The daily limit on bookings per calling number: nobody can flood the queue, and a caller
who reaches it is told kindly that their requests are already with us."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from ivr import create_app
from ivr.callbacks.models import CallbackRequest
from ivr.callbacks.records import OverDailyLimit
from ivr.errors import ConfigError
from tests.conftest import OPEN, Caller

from .conftest import BOTH, MOBILE, fresh_database
from .test_journey import to_booking

LIMIT_WORDS = "You have already asked us to call you back today"


def book_own(client, sid: str, from_number: str = MOBILE):
    caller = Caller(client, from_number=from_number, call_sid=sid)
    answer = to_booking(caller)
    if LIMIT_WORDS in answer.text:
        return answer
    for key in "1211":  # own number, afternoon, no voicemail, say who is calling
        answer = caller.press(key)
    return answer


def book_withheld(client, sid: str, number: str = "07911123456"):
    caller = Caller(client, from_number="anonymous", call_sid=sid)
    to_booking(caller)
    caller.press(number)
    for key in "1411":  # confirm, any time, voicemail yes, say who is calling
        answer = caller.press(key)
    return answer


def sid(n: int) -> str:
    return "CA" + f"{n:032x}"


def test_a_number_may_book_three_a_day_then_hears_kindly_why_not(client, store):
    for n in range(3):
        assert "Your callback is booked" in book_own(client, sid(n)).text
    refused = book_own(client, sid(3))
    assert LIMIT_WORDS in refused.text and "no need to ask again" in refused.text
    assert "0845 758 5112" in refused.text  # the helpline, in case they cannot wait
    assert refused.gather is not None  # and a menu, never a hang-up
    assert len(store.list()) == 3


def test_another_number_is_not_held_back(client, store):
    for n in range(3):
        book_own(client, sid(n))
    assert "Your callback is booked" in book_own(client, sid(9), from_number="+447911123999").text


def test_withheld_callers_are_counted_by_the_number_they_give(client, store):
    for n in range(3):
        assert "Your callback is booked" in book_withheld(client, sid(20 + n)).text
    refused = book_withheld(client, sid(30))
    assert LIMIT_WORDS in refused.text
    assert len(store.list()) == 3


def test_the_limit_is_a_day(client, store, clock):
    import datetime as dt

    for n in range(3):
        book_own(client, sid(n))
    clock.now += dt.timedelta(hours=24, minutes=1)
    assert "Your callback is booked" in book_own(client, sid(5)).text


def test_the_digest_keeps_no_number(app, client):
    book_own(client, sid(1))
    with app.extensions["ivr.db"].session() as session:
        [digest] = session.scalars(select(CallbackRequest.caller_digest)).all()
        dump = " ".join(str(row) for row in session.execute(text("SELECT * FROM callback_requests")).all())
    assert len(digest) == 64 and "7911123456" not in digest
    assert "7911123456" not in dump


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_bad_limit_is_refused_at_start(app_config, value):
    app_config["IVR_BOOKINGS_PER_NUMBER_PER_DAY"] = value
    with pytest.raises(ConfigError, match="IVR_BOOKINGS_PER_NUMBER_PER_DAY"):
        create_app(app_config)


def test_the_limit_is_configurable(app_config, client):
    app_config["IVR_BOOKINGS_PER_NUMBER_PER_DAY"] = "1"
    app = create_app(app_config)
    limited = app.test_client()
    assert "Your callback is booked" in book_own(limited, sid(40)).text
    assert LIMIT_WORDS in book_own(limited, sid(41)).text
    app.extensions["ivr.db"].dispose()


class TestConcurrentBookings:
    """The limit holds when bookings from one number are stored at the same instant (issue 22, item 1):
    the count is taken under a lock at the store, in the transaction that stores the request."""

    @pytest.fixture(params=BOTH)
    def database_url(self, request, tmp_path):
        url, drop = fresh_database(request.param, tmp_path)
        yield url
        drop()

    def ten_at_once(self, store, number, caller):
        start = threading.Barrier(10)
        results: list = []

        def book(n):
            start.wait()
            try:
                results.append(store.book(sid(100 + n), "en-GB", number, {"when": "any"}, OPEN, caller)[1])
            except OverDailyLimit:
                results.append("limited")

        threads = [threading.Thread(target=book, args=(n,)) for n in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def test_ten_bookings_from_one_number_at_once_store_three(self, store):
        results = self.ten_at_once(store, MOBILE, MOBILE)
        assert sorted(results, key=str) == [True] * 3 + ["limited"] * 7
        assert len(store.list()) == 3

    def test_ten_withheld_bookings_of_one_keyed_number_at_once_store_three(self, store):
        results = self.ten_at_once(store, MOBILE, None)
        assert results.count(True) == 3 and results.count("limited") == 7
        assert len(store.list()) == 3

    def test_a_retried_booking_of_a_call_that_booked_is_not_counted_again(self, store):
        for n in range(3):
            store.book(sid(200 + n), "en-GB", MOBILE, {"when": "any"}, OPEN, MOBILE)
        again, created = store.book(sid(200), "en-GB", MOBILE, {"when": "any"}, OPEN, MOBILE)
        assert created is False and again.reference == store.by_call(sid(200)).reference


def test_a_booking_refused_at_the_store_is_told_kindly(app, client, store, monkeypatch):
    """The view's early check passed (another booking finished in between): the caller hears why, not a fault."""
    for n in range(3):
        book_own(client, sid(n))
    monkeypatch.setattr(type(store), "over_daily_limit", lambda *_: False)
    refused = book_own(client, sid(9))
    assert LIMIT_WORDS in refused.text and refused.gather is not None
    assert len(store.list()) == 3
