"""The time a tried call rings at, chosen so the line's real opening-hours decision
gives what the staff member asked for: the helpline open, closed, or on a bank holiday.

Nothing here decides whether the helpline is open: it only searches for a moment
at which the flow's own opening hours (`OpeningHours.is_open`, as the engine asks
them) say so. So the page exercises the same rule real calls meet.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ..flow import hours as line_calendar
from ..flow import model
from ..flow.hours import helpline_hours

HOURS = ("open", "closed", "holiday")
STEP = dt.timedelta(minutes=30)
SEARCH = dt.timedelta(days=21)


class NoSuchTime(Exception):
    """No moment in the search window gives what was asked (e.g. no bank holiday listed ahead)."""


def moment(flow: model.Flow, want: str, after: dt.datetime) -> dt.datetime:
    """A time from `after` on at which the helpline's hours say `want` (open, closed, holiday)."""
    hours = helpline_hours(flow)
    if hours is None:
        return after  # a line with no opening hours is always the same
    zone = ZoneInfo(hours.timezone)
    start = after.astimezone(zone).replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    if want == "holiday":
        # Bank holidays come from the line's calendar (ivr.flow.hours), plus any closures.
        for day in (start.date() + dt.timedelta(days=i) for i in range(400)):
            if line_calendar.closed_reason(hours, day) is None:
                continue
            # The middle of the hours the helpline keeps on that weekday any other week.
            for opens, closes in hours.open[day.weekday()]:
                first = dt.datetime.combine(day, opens, zone)
                last = dt.datetime.combine(day, closes, zone)
                return (first + (last - first) / 2).astimezone(dt.UTC)
        raise NoSuchTime("The opening hours list no bank holiday on a working day after today.")
    candidate = start
    while candidate - start < SEARCH:
        is_open = hours.is_open(candidate)
        holiday = line_calendar.closed_reason(hours, candidate.astimezone(zone).date()) is not None
        if (want == "open" and is_open) or (want == "closed" and not is_open and not holiday):
            return candidate.astimezone(dt.UTC)
        candidate += STEP
    raise NoSuchTime(f"The helpline is never {want} in the next {SEARCH.days} days.")
