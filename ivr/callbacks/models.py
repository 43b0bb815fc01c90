"""The callback tables: requests (one per call), their status history, and half-finished drafts.

Whatever could identify or endanger a caller (the number, the safe times,
staff notes, a draft's answers) is stored sealed (see crypto.py); what stays
in clear is what the queue needs to sort and count: status, times, language.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base

# A request's status follows the work: nobody's yet, taken by a caseworker, rung at least once,
# then closed as done or could not reach.
NEW = "new"
ASSIGNED = "assigned"
ATTEMPTED = "attempted"
DONE = "done"
COULD_NOT_REACH = "could_not_reach"
STATUSES = (NEW, ASSIGNED, ATTEMPTED, DONE, COULD_NOT_REACH)
STATUS_LABELS = {
    NEW: "new",
    ASSIGNED: "assigned",
    ATTEMPTED: "attempted",
    DONE: "done",
    COULD_NOT_REACH: "could not reach",
    "in_progress": "in progress",  # in the history of requests from before migration 0014
}
OPEN_STATUSES = (NEW, ASSIGNED, ATTEMPTED)
CLOSED_STATUSES = (DONE, COULD_NOT_REACH)

# Which callback the caller asked for: from the helpline's closed or busy menu, the helpline
# rings back; from anywhere else, a victim liaison officer.
HELPLINE = "helpline"
LIAISON = "liaison"
PURPOSES = (HELPLINE, LIAISON)
PURPOSE_LABELS = {HELPLINE: "helpline callback", LIAISON: "victim liaison officer"}

# What happened when a caseworker rang: one row per attempt, kept.
ANSWERED = "answered"
NO_ANSWER = "no_answer"
VOICEMAIL_LEFT = "voicemail_left"
WRONG_NUMBER = "wrong_number"
NOT_SAFE_TO_TALK = "not_safe_to_talk"
OUTCOMES = (ANSWERED, NO_ANSWER, VOICEMAIL_LEFT, WRONG_NUMBER, NOT_SAFE_TO_TALK)
OUTCOME_LABELS = {
    ANSWERED: "answered",
    NO_ANSWER: "no answer",
    VOICEMAIL_LEFT: "voicemail left",
    WRONG_NUMBER: "wrong number",
    NOT_SAFE_TO_TALK: "not safe to talk",
}
# Attempts that count towards closing a request as "could not reach" (the caller was not spoken to).
FAILED_OUTCOMES = (NO_ANSWER, VOICEMAIL_LEFT, WRONG_NUMBER, NOT_SAFE_TO_TALK)


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
    # The end of the N-th working day after booking (IVR_CALLBACK_WORKING_DAYS), in the line's zone.
    due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True, nullable=True)
    purpose: Mapped[str] = mapped_column(String(16), index=True, default=LIAISON, server_default=LIAISON)
    # The caller keyed 18001 or 18002 before the number: ring through Relay UK.
    relay: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    assigned_to: Mapped[str | None] = mapped_column(String(254), index=True, nullable=True)  # a staff email
    assigned_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)

    events: Mapped[list[CallbackEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="CallbackEvent.id"
    )
    attempts: Mapped[list[CallbackAttempt]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="CallbackAttempt.id"
    )


class CallbackEvent(Base):
    """One thing done to a request: its status after, when, by whom, what (in clear, never caller
    data: "assigned to casey@example.org") and a staff note (sealed)."""

    __tablename__ = "callback_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("callback_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    staff: Mapped[str | None] = mapped_column(String(254), nullable=True)  # None: the line or the system
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)

    request: Mapped[CallbackRequest] = relationship(back_populates="events")


class CallbackAttempt(Base):
    """One try at ringing the caller back: when, by whom, and what happened (OUTCOMES)."""

    __tablename__ = "callback_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("callback_requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    staff: Mapped[str] = mapped_column(String(254))
    outcome: Mapped[str] = mapped_column(String(24))

    request: Mapped[CallbackRequest] = relationship(back_populates="attempts")


class CallbackDraft(Base):
    """A booking under way: the answers so far (sealed), kept by the call's sid, never in URLs."""

    __tablename__ = "callback_drafts"

    call_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    answers_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
