"""A booking's reference opens the request in the staff area: it never reaches the server log."""

from __future__ import annotations

import logging

from .test_journey import to_booking


def test_a_booking_s_reference_is_not_logged(mobile_caller, store, caplog):
    caplog.set_level(logging.DEBUG)
    to_booking(mobile_caller)
    mobile_caller.press("1")
    mobile_caller.press("2")
    mobile_caller.press("2")
    mobile_caller.press("1")
    [booked] = store.list()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "callback booked" in logged  # the booking is logged, without what opens it
    assert booked.reference not in logged
