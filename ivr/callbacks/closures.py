"""An admin's closure added after booking moves the due times it falls on.

The calendar's page runs the hooks in app.extensions["ivr.calendar.closure_hooks"] after a
closure is saved (it imports nothing of this capability); `closure_added` is this one. Each
open request whose working days (from booking to its due day) include the closed day is due
again by the same rule as at booking (N working days, by the end of the caller's safe time),
with the reason in its history and the audit trail.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from .. import audit
from ..flow import hours as line_calendar
from .views import due


def closure_added(day: dt.date, note: str, by: str) -> str | None:
    """Move the due times the closed `day` falls on; a sentence for the admin, or None."""
    store = current_app.extensions.get("ivr.callbacks")
    flow = current_app.extensions["ivr.line"]().flow
    hours = line_calendar.helpline_hours(flow)
    if store is None or hours is None:
        return None
    zone, now = ZoneInfo(hours.timezone), current_app.config["IVR_CLOCK"]()
    said = _day(day)
    moved = []
    for item in store.dated_open():
        if not item.created_at.astimezone(zone).date() < day <= item.due_at.astimezone(zone).date():
            continue
        new = due(flow, item.created_at, item.safe_time)
        if new is None or new == item.due_at:
            continue
        why = f"due moved from {_due(item.due_at, zone)} to {_due(new, zone)}: the line is closed on {said} ({note})"
        store.move_due(item.reference, new, by, now, why)
        audit.record_now("queue.due_moved", f"request {item.reference}: due moved by the closure on {said}")
        moved.append(item.reference)
    if not moved:
        return None
    many = "request is" if len(moved) == 1 else "requests are"
    return f"{len(moved)} open callback {many} due later because of it: {', '.join(moved)}."


def _day(day: dt.date) -> str:
    """'Thursday 26 November 2026'."""
    return day.strftime("%A %-d %B %Y")


def _due(moment: dt.datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%A %-d %B %Y, by %H:%M")
