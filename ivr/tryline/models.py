"""Saved test calls: the switches and inputs of a tried call, and what the line answered."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TestCall(Base):
    """A call a staff member saved as a test: replayed before every publish."""

    __tablename__ = "test_calls"
    __test__ = False  # not a pytest class, whatever its name

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    switches: Mapped[str] = mapped_column(Text)  # JSON: runner.Switches
    inputs: Mapped[str] = mapped_column(Text)  # JSON list: "1", "s", "say:words", "07911123456#"
    expected: Mapped[str] = mapped_column(Text)  # JSON: outcome.Outcome of the call as saved (or last accepted)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
