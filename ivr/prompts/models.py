"""What callers hear, as staff change it: prompt drafts, published versions, recordings,
rendered clips and the live-state counter.

Published words live here, not in prompts/ (the shipped defaults), so every
instance behind a load balancer speaks the same words on its next call.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


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
    # Safety words wait for a second staff member (ivr.prompts.approval): who asked, and since when ("": not
    # waiting). A new save ends the wait: what is approved is always the words that were asked about.
    waiting_by: Mapped[str] = mapped_column(String(254), default="", server_default="")
    waiting_since: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last time it was sent back: by whom and why, shown on the edit page until it is asked about again.
    sent_back_by: Mapped[str] = mapped_column(String(254), default="", server_default="")
    sent_back_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    @property
    def waiting(self) -> bool:
        return bool(self.waiting_by)


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


class AudioClip(Base):
    """A rendered clip of published words (8 kHz WAV), named as in the audio store.

    The database is the truth for published audio; each server's IVR_AUDIO_DIR is
    a cache filled when it sees a new published serial, or on a first GET /audio/.
    Draft clips are never stored here.
    """

    __tablename__ = "audio_clip"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    audio: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
