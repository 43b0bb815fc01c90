"""Privacy: a caller's number never reaches the logs, whatever the journey."""

from __future__ import annotations

import logging

from cryptography.fernet import Fernet

from ivr import create_app
from ivr.db import upgrade

from .callbacks.test_journey import to_booking
from .conftest import Caller

NUMBER = "+447911123456"
KEYED = "07911123999"


def test_no_number_is_logged_through_a_booking_and_a_transfer(app_config, caplog):
    upgrade(app_config["IVR_DATABASE_URL"])
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    app = create_app(app_config)
    client = app.test_client()
    caplog.set_level(logging.DEBUG)

    caller = Caller(client, from_number=NUMBER)
    to_booking(caller)
    caller.press("2")  # a different number
    caller.press(KEYED)
    for key in "1411":  # confirm, any time, voicemail yes, say who is calling
        caller.press(key)
    assert "Your callback is booked" in caller.answer.text
    transfer = Caller(client, from_number=NUMBER, call_sid="CA" + "c" * 32)
    transfer.to_main_menu()
    transfer.press("0")
    transfer.dial_ends("busy")
    client.post("/voice/status", data={"CallSid": caller.params["CallSid"], "From": NUMBER})  # unsigned: refused

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "call started" in logged  # the log is there, and names calls by a short sid
    for digits in ("7911123456", "7911 123456", "07911 123", "7911123999", KEYED):
        assert digits not in logged
    app.extensions["ivr.db"].dispose()
