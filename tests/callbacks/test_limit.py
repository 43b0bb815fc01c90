"""The daily limit on bookings per calling number: nobody can flood the queue, and a caller
who reaches it is told kindly that their requests are already with us."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from ivr import create_app
from ivr.callbacks.models import CallbackRequest
from ivr.errors import ConfigError
from tests.conftest import Caller

from .conftest import MOBILE
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
