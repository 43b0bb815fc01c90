"""One calendar for the line: when it is open, and which days are working days.

The weekly hours come from flows.yaml (`settings.hours.<name>`); the bank
holidays of England and Wales come from the `holidays` library, so they are
never typed in and never run out; dates still listed under an old file's
`holidays:` key are closed as well (extra closures). Everything here takes the
moment it is asked about (`at`), so a test or the browser's "Try the line"
can drive the same decision with its own clock.

    is_open(hours, at)              the engine's open/closed decision
    is_working_day(hours, day)      weekly hours on that weekday and not closed
    next_working_day(hours, day)    the first working day after `day`
    due_at(hours, booked, n)        the end of the n-th working day after booking
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

# A bank holiday search gives up after this many days (a line with no hours at all).
_HORIZON_DAYS = 400


@lru_cache(maxsize=64)
def _bank_holidays_of(year: int) -> dict[dt.date, str]:
    return dict(holidays_lib.UK(subdiv="ENG", years=year))


def bank_holiday(day: dt.date) -> str | None:
    """The name of the England-and-Wales bank holiday on `day`, or None."""
    return _bank_holidays_of(day.year).get(day)


def closed_reason(hours, day: dt.date) -> str | None:
    """Why the line is shut all of `day` (a bank holiday or a closure), or None."""
    name = bank_holiday(day)
    if name:
        return f"bank holiday: {name}"
    if day in hours.holidays:
        return "closed"
    return None


def is_working_day(hours, day: dt.date) -> bool:
    """Whether the line has hours on `day`: weekly hours that weekday, not a bank holiday or closure."""
    return bool(hours.open[day.weekday()]) and closed_reason(hours, day) is None


def is_open(hours, at: dt.datetime) -> bool:
    """Whether the line is open at `at` (an aware datetime, any zone)."""
    local = at.astimezone(ZoneInfo(hours.timezone))
    if not is_working_day(hours, local.date()):
        return False
    moment = local.time()
    return any(start <= moment < end for start, end in hours.open[local.weekday()])


def next_working_day(hours, day: dt.date) -> dt.date | None:
    """The first working day after `day`, or None if none within about a year."""
    for step in range(1, _HORIZON_DAYS):
        candidate = day + dt.timedelta(days=step)
        if is_working_day(hours, candidate):
            return candidate
    return None


def add_working_days(hours, day: dt.date, n: int) -> dt.date | None:
    """The n-th working day after `day` (the day itself never counts)."""
    for _ in range(n):
        day = next_working_day(hours, day)
        if day is None:
            return None
    return day


def due_at(hours, booked: dt.datetime, n: int) -> dt.datetime | None:
    """When a request booked at `booked` is due: closing time of the n-th working day after, local time."""
    zone = ZoneInfo(hours.timezone)
    day = add_working_days(hours, booked.astimezone(zone).date(), n)
    if day is None:
        return None
    closing = max(end for _, end in hours.open[day.weekday()])
    if closing == dt.time(23, 59, 59, 999999):
        closing = dt.time(23, 59, 59)
    return dt.datetime.combine(day, closing, tzinfo=zone)


def days_without_hours(hours, start: dt.date, days: int = 60) -> bool:
    """True when no working day falls in the `days` days from `start` (for `ivr doctor`)."""
    return not any(is_working_day(hours, start + dt.timedelta(days=i)) for i in range(days))
