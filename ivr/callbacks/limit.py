"""The daily limit on bookings per number (IVR_BOOKINGS_PER_NUMBER_PER_DAY), counted where it cannot race:
in the transaction that stores a request, under a lock held for the number until it commits."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select, text

from .models import CallbackDraft, CallbackRequest


def booked_today(session, digest: str, now: dt.datetime) -> int:
    """Requests booked for this number's digest in the 24 hours before `now`."""
    since = now - dt.timedelta(days=1)
    return session.scalar(
        select(func.count())
        .select_from(CallbackRequest)
        .where(CallbackRequest.caller_digest == digest, CallbackRequest.created_at >= since)
    )


def lock_bookings_of(session, digest: str, call_sid: str) -> None:
    """Hold, until this transaction ends, the right to book for this number: two bookings from one
    number are stored one after the other, each counting the other's. PostgreSQL: an advisory lock on
    the number's digest (only bookings from the same number wait). SQLite: this transaction's first
    statement is a write (the call's draft removed, as a booking does anyway), which takes the
    database's write lock before the count is read."""
    if session.get_bind().dialect.name == "postgresql":
        lock = int.from_bytes(hashlib.sha256(digest.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})
    else:
        session.execute(delete(CallbackDraft).where(CallbackDraft.call_sid == call_sid))
