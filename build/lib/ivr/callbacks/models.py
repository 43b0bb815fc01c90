"""The callback tables: requests (one per call), their status history, and half-finished drafts.

Whatever could identify or endanger a caller (the number, the safe times,
staff notes, a draft's answers) is stored sealed (see crypto.py); what stays
in clear is what the queue needs to sort and count: status, times, language.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base

NEW = "new"
IN_PROGRESS = "in_progress"
DONE = "done"
COULD_NOT_REACH = "could_not_reach"
STATUSES = (NEW, IN_PROGRESS, DONE, COULD_NOT_REACH)
STATUS_LABELS = {NEW: "new", IN_PROGRESS: "in progress", DONE: "done", COULD_NOT_REACH: "could not reach"}


class CallbackRequest(Base):
    """A caller's request for a victim liaison officer to ring them back."""

    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)  # one request per call
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    language: Mapped[str] = mapped_column(String(16))
    number_sealed: Mapped[bytes] = mapped_column(LargeBinary)  # E.164
    safety_sealed: Mapped[bytes] = mapped_column(LargeBinary)  # {"when", "voicemail", "identify"}
    # A keyed digest of the calling number (or, withheld, the number to call back): the daily limit.
    caller_digest: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default=NEW)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    status_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    events: Mapped[list[CallbackEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="CallbackEvent.id"
    )


class CallbackEvent(Base):
    """One change of a request's status, when, and a staff note (sealed)."""

    __tablename__ = "callback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("callback_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    request: Mapped[CallbackRequest] = relationship(back_populates="events")


class CallbackDraft(Base):
    """A booking under way: the answers so far (sealed), kept by the call's sid, never in URLs."""

    __tablename__ = "callback_drafts"

    call_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
