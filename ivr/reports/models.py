"""The journey tables: raw events (kept IVR_EVENT_RETENTION_DAYS) and daily totals (kept).

Nothing here can name a caller: no phone number, no digits typed, no words said,
no CallSid. `call` is a keyed digest of the CallSid, only there to join one
call's events; `kind`, `node` and `detail` come from fixed lists and the call tree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

# What an event can say happened (detail in brackets):
KINDS = (
    "call_started",
    "language",  # a language chosen or switched to (its code)
    "entered",  # the line took the caller to a node (its kind: menu, transfer, goodbye...); when something else
    # happened in the same webhook, the move is in that event's to_node and to_kind instead
    "key",  # a key pressed that the node took
    "words",  # words understood as a choice
    "silence",  # nothing pressed or said when asked ("limit": the silence that ended the call, caller rule 12)
    "wrong_key",  # a key that is not a choice, or words not understood
    "more_time",  # more time asked for
    "transfer",  # a transfer ended ("<number name>/<DialCallStatus>")
    "callback",  # a booking: booked, refused, limited, failed
    "call_ended",  # from the status callback (Twilio's CallStatus)
)


class JourneyEvent(Base):
    """One thing that happened in one call, by kind only."""

    __tablename__ = "journey_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[dt.date] = mapped_column(Date)  # the day in London, as staff count days
    call: Mapped[str] = mapped_column(String(32))  # keyed digest of the CallSid
    kind: Mapped[str] = mapped_column(String(16))
    node: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)  # the published serial in force
    # Where this event moved the call to (an "entered" folded into the event that caused it: one row a webhook,
    # not two; migration 0013), and that node's kind; "" when it did not move the call.
    to_node: Mapped[str] = mapped_column(String(64), default="", server_default="")
    to_kind: Mapped[str] = mapped_column(String(16), default="", server_default="")

    # Reports read a day range and sort it by call: no index on call (0012), one insert less per event.
    __table_args__ = (Index("ix_journey_events_day", "day"),)


class JourneyDaily(Base):
    """The totals of one day's calls (by the day each call started), kept after the events go."""

    __tablename__ = "journey_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    node: Mapped[str] = mapped_column(String(64), primary_key=True)
    detail: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class JourneyRolled(Base):
    """A day whose totals are in journey_daily (so the report reads them, not the events)."""

    __tablename__ = "journey_rolled"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
