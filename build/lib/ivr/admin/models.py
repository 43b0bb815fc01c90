"""The staff area's tables: accounts, login failures, prompt drafts and versions,
recordings, the live-state counter and the audit trail.

Published words live here, not in prompts/ (the shipped defaults), so every
instance behind a load balancer speaks the same words on its next call.
"""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

ROLES = ("editor", "caseworker", "admin")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Staff(UserMixin, Base):
    """A person who signs in to the staff area."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.active

    def can(self, ability: str) -> bool:
        """`prompts` (editors), `queue` (caseworkers), `accounts` (admins); admins can do all."""
        if self.role == "admin":
            return True
        return {"prompts": "editor", "queue": "caseworker"}.get(ability) == self.role


class LoginFailure(Base):
    """One failed sign-in, kept for the lock-out window (shared by every worker)."""

    __tablename__ = "staff_login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PromptDraft(Base):
    """The words an editor saved but has not published; one per prompt and language."""

    __tablename__ = "prompt_draft"
    __table_args__ = (UniqueConstraint("language", "prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(20))
    prompt_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    # Bumped on every save: a form carries the revision it was opened at (optimistic concurrency).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    edited_by: Mapped[str] = mapped_column(String(254))
    edited_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PromptVersion(Base):
    """A published version of one prompt; the newest for a prompt and language is live."""

    __tablename__ = "prompt_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    prompt_id: Mapped[str] = mapped_column(String(100), index=True)
    text: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(20))  # publish | rollback
    published_by: Mapped[str] = mapped_column(String(254))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Recording(Base):
    """A person's recording of a prompt, converted to telephony audio."""

    __tablename__ = "prompt_recording"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    prompt_id: Mapped[str] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(20))  # draft | published | removed
    digest: Mapped[str] = mapped_column(String(64))
    audio: Mapped[bytes] = mapped_column(LargeBinary)
    seconds: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LiveState(Base):
    """One row whose serial changes with every publish: the cheap check every worker makes."""

    __tablename__ = "live_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who did what, when. Never holds a phone number."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)
