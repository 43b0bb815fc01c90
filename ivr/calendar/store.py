"""The admin's closures and extra opening days, kept in the database so every server sees them.

    calendar = current_app.extensions["ivr.calendar"]      # a CalendarStore
    calendar.close(day, note, by, now)                     # the line shut all that day
    calendar.open_extra(day, opens, closes, note, by, now) # an extra day, with its hours
    calendar.remove(day)                                   # back to the usual week
    calendar.exceptions()                                  # for ivr.flow.hours, cached briefly

The line's calendar (ivr.flow.hours) reads them through `exceptions()`, which
keeps what it read for a few seconds (IVR_CALENDAR_CACHE_SECONDS, default 10):
a change made on one server is heard on every other within that time, with no
restart, and a webhook costs at most one small query per server in that time.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import Date, DateTime, String, Time, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Database
from ..flow.hours import Exceptions

log = logging.getLogger(__name__)

CLOSED = "closed"
OPEN = "open"
KINDS = (CLOSED, OPEN)
DEFAULT_CACHE_SECONDS = 10


class CalendarError(Exception):
    """A change the calendar cannot take (a day already set, closing before opening, a day gone)."""


class CalendarException(Base):
    """One day that is not as the weekly hours say: closed all day, or open as an extra day."""

    __tablename__ = "calendar_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # CLOSED or OPEN
    opens_at: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    closes_at: Mapped[dt.time | None] = mapped_column(Time, nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    set_by: Mapped[str] = mapped_column(String(254))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Day:
    """A closure or an extra opening day, as the staff page lists it."""

    day: dt.date
    kind: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    note: str
    set_by: str
    set_at: dt.datetime


class CalendarStore:
    def __init__(self, db: Database, cache_seconds: float = DEFAULT_CACHE_SECONDS, clock=time.monotonic):
        self.db = db
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, Exceptions] | None = None

    # --- reading -----------------------------------------------------------------------
    def exceptions(self) -> Exceptions:
        """Every closure and extra day, as the line's calendar takes them (read at most every few seconds)."""
        now = self._clock()
        cached = self._cached
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        with self._lock:
            with self.db.session() as session:
                rows = list(session.scalars(select(CalendarException)))
            closed = {row.day: row.note for row in rows if row.kind == CLOSED}
            extra = {row.day: (row.opens_at, row.closes_at) for row in rows if row.kind == OPEN}
            found = Exceptions(MappingProxyType(closed), MappingProxyType(extra))
            self._cached = (now, found)
        return found

    def days(self, since: dt.date | None = None) -> list[Day]:
        """The closures and extra days from `since` on (all when None), soonest first."""
        query = select(CalendarException).order_by(CalendarException.day)
        if since is not None:
            query = query.where(CalendarException.day >= since)
        with self.db.session() as session:
            return [
                Day(r.day, r.kind, r.opens_at, r.closes_at, r.note, r.set_by, _utc(r.set_at))
                for r in session.scalars(query)
            ]

    # --- changing ----------------------------------------------------------------------
    def close(self, day: dt.date, note: str, by: str, now: dt.datetime, session=None) -> None:
        """Shut the line all of `day` (no calls put through, not a working day for due dates)."""
        self._add(CalendarException(day=day, kind=CLOSED, note=note.strip()[:200], set_by=by, set_at=now), session)

    def open_extra(
        self, day: dt.date, opens: dt.time, closes: dt.time, note: str, by: str, now: dt.datetime, session=None
    ) -> None:
        """Open the line on `day` from `opens` to `closes` (also a working day for due dates)."""
        if closes <= opens:
            raise CalendarError("The closing time must be after the opening time.")
        row = CalendarException(
            day=day, kind=OPEN, opens_at=opens, closes_at=closes, note=note.strip()[:200], set_by=by, set_at=now
        )
        self._add(row, session)

    def remove(self, day: dt.date, session=None) -> Day:
        """Take a day's closure or extra opening away; returns what it was."""
        with self._session(session) as s:
            row = s.scalar(select(CalendarException).where(CalendarException.day == day))
            if row is None:
                raise CalendarError(f"Nothing is set for {day:%A %-d %B %Y}.")
            gone = Day(row.day, row.kind, row.opens_at, row.closes_at, row.note, row.set_by, _utc(row.set_at))
            s.execute(delete(CalendarException).where(CalendarException.id == row.id))
        self._cached = None
        return gone

    def _add(self, row: CalendarException, session) -> None:
        taken = CalendarError(f"{row.day:%A %-d %B %Y} already has a closure or extra opening: remove it first.")
        try:
            with self._session(session) as s:
                if s.scalar(select(CalendarException.id).where(CalendarException.day == row.day)) is not None:
                    raise taken
                s.add(row)
                s.flush()  # two admins at once: the unique day refuses the second
        except IntegrityError as exc:
            raise taken from exc
        self._cached = None

    def _session(self, session):
        """The caller's session (so an audit entry commits with the change), or a new one."""
        if session is not None:
            from contextlib import nullcontext

            return nullcontext(session)
        return self.db.session()


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def init_app(app) -> None:
    """Bind the calendar to the app and hand it to ivr.flow.hours on every request."""
    from ..flow import hours as line_calendar

    given = app.config.get("IVR_CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    try:
        seconds = float(given)
    except (TypeError, ValueError):
        seconds = -1
    if not 0 <= seconds <= 3600:
        from ..errors import ConfigError

        raise ConfigError(f"IVR_CALENDAR_CACHE_SECONDS must be a number of seconds from 0 to 3600, not {given!r}")
    calendar = CalendarStore(app.extensions["ivr.db"], seconds)
    app.extensions["ivr.calendar"] = calendar

    @app.before_request
    def _calendar_for_this_request():
        line_calendar.use(calendar.exceptions)
