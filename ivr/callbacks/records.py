"""What the callback store hands out: a request as staff and the CLI see it (its number opened only
when asked), its attempts and status changes, and one page of the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import (
    FAILED_OUTCOMES,
    LIAISON,
    OPEN_STATUSES,
)

PAGE_SIZE = 50


class StoreError(Exception):
    """The store cannot do what was asked (no key, unknown reference, bad status)."""


class OverDailyLimit(StoreError):
    """This number has booked as many callbacks in the last 24 hours as one may (IVR_BOOKINGS_PER_NUMBER_PER_DAY)."""


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes: every stored time is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@dataclass(frozen=True)
class StatusChange:
    """One thing done to a request: its status after, when, the note, who (None: the line), what."""

    status: str
    at: dt.datetime
    note: str
    by: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Attempt:
    at: dt.datetime
    staff: str
    outcome: str


@dataclass(frozen=True)
class Callback:
    """One request, opened: what staff and the CLI see. `number` is None if no key opens it."""

    reference: str
    call_sid: str
    number: str | None
    language: str
    safe_time: str | None
    voicemail_ok: bool | None
    say_who_is_calling: bool | None
    status: str
    created_at: dt.datetime
    status_at: dt.datetime
    history: tuple[StatusChange, ...] = ()
    due_at: dt.datetime | None = None
    purpose: str = LIAISON
    relay: bool = False
    assigned_to: str | None = None
    assigned_at: dt.datetime | None = None
    closed_reason: str | None = None
    attempts: tuple[Attempt, ...] = ()
    asked_at: str | None = None  # the callback node of the call tree the caller booked from

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue(self, now: dt.datetime) -> bool:
        """Still open and past its due time."""
        return self.is_open and self.due_at is not None and self.due_at < now

    @property
    def closed(self) -> StatusChange | None:
        """The change that closed this request (when and by whom), or None while it is open."""
        if self.is_open:
            return None
        return next((c for c in reversed(self.history) if c.status == self.status), None)

    @property
    def failed_attempts(self) -> int:
        return sum(1 for a in self.attempts if a.outcome in FAILED_OUTCOMES)

    def as_json(self, zone: dt.tzinfo | None = None) -> dict:
        """The request as the CLI prints it; `due` is ISO 8601 with the offset of `zone` (UTC if None)."""
        due = self.due_at.astimezone(zone or dt.UTC).isoformat() if self.due_at else None
        return {
            "call_sid": self.call_sid,
            "reference": self.reference,
            "number": self.number,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "status_at": self.status_at.isoformat(),
            "language": self.language,
            "safe_time": self.safe_time,
            "voicemail_ok": self.voicemail_ok,
            "say_who_is_calling": self.say_who_is_calling,
            "due": due,
            "attempts": len(self.attempts),
            "purpose": self.purpose,
            "relay": self.relay,
            "assigned_to": self.assigned_to,
            "closed_reason": self.closed_reason,
        }


@dataclass(frozen=True)
class Page:
    """One page of the queue: its requests, the number matching in all, and which page this is."""

    items: tuple[Callback, ...]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))
