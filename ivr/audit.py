"""The audit trail: who did what, when. Callers' numbers never go in it."""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app
from flask_login import current_user
from sqlalchemy import DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, utcnow

# Any run of 7+ digits (with spaces, dashes, a plus) is taken for a phone number and masked.
_NUMBER = re.compile(r"\+?\d[\d\s\-()]{5,}\d")



class AuditEvent(Base):
    """Who did what, when. Never holds a phone number."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), nullable=True)


def scrub(text: str) -> str:
    return _NUMBER.sub("[number removed]", text)


def record(session, action: str, detail: str = "", actor: str | None = None, staff_id: int | None = None) -> None:
    """Add an event in the caller's transaction (it commits, or neither happens)."""
    if actor is None and current_user and current_user.is_authenticated:
        actor, staff_id = current_user.email, current_user.id
    session.add(AuditEvent(actor=actor or "-", action=action, detail=scrub(detail)[:2000], staff_id=staff_id))


def record_now(action: str, detail: str = "", actor: str | None = None, staff_id: int | None = None) -> None:
    with current_app.extensions["ivr.db"].session() as session:
        record(session, action, detail, actor, staff_id)


def recent(session, limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))
