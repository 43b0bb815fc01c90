"""One calendar for the line: when it is open, and which days are working days.

The weekly hours come from flows.yaml (`settings.hours.<name>`); the bank
holidays of England and Wales come from the `holidays` library, so they are
never typed in and never run out; dates still listed under an old file's
`holidays:` key are closed as well (extra closures). An admin's closures and
extra opening days (set in the staff area, kept in the database by
ivr.calendar.store) are `Exceptions`: each function takes them, or reads the
ones the app installed for this request (`use`), so this module never touches
the database and the engine stays pure. Everything here takes the moment it
is asked about (`at`), so a test or the browser's "Try the line" can drive the
same decision with its own clock.

    is_open(hours, at)              the engine's open/closed decision
    is_working_day(hours, day)      weekly hours on that weekday and not closed
    next_working_day(hours, day)    the first working day after `day`
    due_at(hours, booked, n, by=t)  the n-th working day after booking, at t (or its close)
    use(source) / current()         the admin's closures and extra days for this request
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays as holidays_lib

if TYPE_CHECKING:
    from .model import Flow, OpeningHours

log = logging.getLogger(__name__)

# A bank holiday search gives up after this many days (a line with no hours at all).
_HORIZON_DAYS = 400


@lru_cache(maxsize=64)
def _bank_holidays_of(year: int) -> dict[dt.date, str]:
    return dict(holidays_lib.UK(subdiv="ENG", years=year))


@dataclass(frozen=True)
class Exceptions:
    """An admin's changes to the weekly hours: whole days closed, and extra days open with their hours."""

    closed: Mapping[dt.date, str] = field(default_factory=lambda: MappingProxyType({}))  # day -> note
    extra: Mapping[dt.date, tuple[dt.time, dt.time]] = field(default_factory=lambda: MappingProxyType({}))


NONE = Exceptions()
# Where this request's exceptions come from (the app's CalendarStore.exceptions, cached), if anywhere.
_source: contextvars.ContextVar[Callable[[], Exceptions] | None] = contextvars.ContextVar(
    "ivr_calendar_source", default=None
)


def use(source: Callable[[], Exceptions] | None) -> None:
    """Install the exceptions source for the code that runs next in this context (a request)."""
    _source.set(source)


def current() -> Exceptions:
    """The installed exceptions; none when nothing is installed or the source fails (never fails a call)."""
    source = _source.get()
    if source is None:
        return NONE
    try:
        return source()
    except Exception as exc:  # noqa: BLE001 - a calendar read must never fail a call
        log.warning("calendar exceptions unavailable: %s", exc.__class__.__name__)
        return NONE


def bank_holiday(day: dt.date) -> str | None:
    """The name of the England-and-Wales bank holiday on `day`, or None."""
    return _bank_holidays_of(day.year).get(day)


def closed_reason(hours, day: dt.date, exceptions: Exceptions | None = None) -> str | None:
    """Why the line is shut all of `day` (a bank holiday or a closure), or None.

    An extra opening day an admin set is never closed, even on a bank holiday."""
    exceptions = current() if exceptions is None else exceptions
    if day in exceptions.extra:
        return None
    if day in exceptions.closed:
        note = exceptions.closed[day]
        return f"closed by an admin: {note}" if note else "closed by an admin"
    name = bank_holiday(day)
    if name:
        return f"bank holiday: {name}"
    if day in hours.holidays:
        return "closed"
    return None


def hours_on(hours, day: dt.date, exceptions: Exceptions | None = None) -> tuple[tuple[dt.time, dt.time], ...]:
    """The opening times of `day`: an extra day's hours, else the weekday's unless the day is closed."""
    exceptions = current() if exceptions is None else exceptions
    if day in exceptions.extra:
        return (exceptions.extra[day],)
    if closed_reason(hours, day, exceptions) is not None:
        return ()
    return tuple(hours.open[day.weekday()])


def is_working_day(hours, day: dt.date, exceptions: Exceptions | None = None) -> bool:
    """Whether the line has hours on `day`: weekly hours or an extra day, not a bank holiday or closure."""
    return bool(hours_on(hours, day, exceptions))


def is_open(hours, at: dt.datetime, exceptions: Exceptions | None = None) -> bool:
    """Whether the line is open at `at` (an aware datetime, any zone)."""
    local = at.astimezone(ZoneInfo(hours.timezone))
    moment = local.time()
    return any(start <= moment < end for start, end in hours_on(hours, local.date(), exceptions))


def next_working_day(hours, day: dt.date, exceptions: Exceptions | None = None) -> dt.date | None:
    """The first working day after `day`, or None if none within about a year."""
    exceptions = current() if exceptions is None else exceptions
    for step in range(1, _HORIZON_DAYS):
        candidate = day + dt.timedelta(days=step)
        if is_working_day(hours, candidate, exceptions):
            return candidate
    return None


def add_working_days(hours, day: dt.date, n: int, exceptions: Exceptions | None = None) -> dt.date | None:
    """The n-th working day after `day` (the day itself never counts)."""
    exceptions = current() if exceptions is None else exceptions
    for _ in range(n):
        day = next_working_day(hours, day, exceptions)
        if day is None:
            return None
    return day


def due_at(
    hours, booked: dt.datetime, n: int, exceptions: Exceptions | None = None, by: dt.time | None = None
) -> dt.datetime | None:
    """When a request booked at `booked` is due: on the n-th working day after, local time, at `by`
    (the end of the caller's safe time) or else the line's closing time."""
    exceptions = current() if exceptions is None else exceptions
    zone = ZoneInfo(hours.timezone)
    day = add_working_days(hours, booked.astimezone(zone).date(), n, exceptions)
    if day is None:
        return None
    closing = by if by not in (None, dt.time(0)) else max(end for _, end in hours_on(hours, day, exceptions))
    if closing == dt.time(23, 59, 59, 999999):
        closing = dt.time(23, 59, 59)
    return dt.datetime.combine(day, closing, tzinfo=zone)


def helpline_hours(flow: Flow) -> OpeningHours | None:
    """The opening hours that decide whether a caller reaches a person (the person route's);
    callbacks are due by the same office's working days."""
    node = flow.nodes.get(flow.settings.person_route)
    seen = set()
    while getattr(node, "kind", None) == "hours" and node.id not in seen:  # an opening-hours branch
        seen.add(node.id)
        if node.hours in flow.settings.hours:
            return flow.settings.hours[node.hours]
        node = flow.nodes.get(node.open)
    return next(iter(flow.settings.hours.values()), None)


def days_without_hours(hours, start: dt.date, days: int = 60, exceptions: Exceptions | None = None) -> bool:
    """True when no working day falls in the `days` days from `start` (for `ivr doctor`)."""
    exceptions = current() if exceptions is None else exceptions
    return not any(is_working_day(hours, start + dt.timedelta(days=i), exceptions) for i in range(days))
