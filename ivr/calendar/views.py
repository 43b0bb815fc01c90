"""The Calendar page (admins): close the line for a day, open it on an extra day, take either away.

Each change is audited in the same transaction as the change itself. The line's opening hours
(what callers hear) and callback due dates both follow these days (ivr.flow.hours).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..flow import hours as line_calendar
from ..staff import staff_blueprint
from ..staff.access import db, requires
from .forms import DATE_HINT, TIME_HINT, FormError, read_date, read_time
from .store import CLOSED, CalendarError

bp = staff_blueprint("calendar", __name__)

BANK_HOLIDAYS_SHOWN = 8


def calendar():
    return current_app.extensions["ivr.calendar"]


def hours():
    """The helpline's opening hours (the ones closures and due dates are about)."""
    return line_calendar.helpline_hours(current_app.extensions["ivr.line"]().flow)


def today() -> dt.date:
    zone = ZoneInfo(hours().timezone) if hours() is not None else dt.UTC
    return current_app.config["IVR_CLOCK"]().astimezone(zone).date()


def said(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock_time(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


@bp.get("/calendar")
@requires("accounts")
def line_calendar_page():
    """Closures and extra opening days from today on, the coming bank holidays, and the forms to add one."""
    return render_page({}, {})


def render_page(errors: dict, values: dict, status: int = 200):
    start = today()
    bank = []
    for offset in range(400):
        day = start + dt.timedelta(days=offset)
        name = line_calendar.bank_holiday(day)
        if name:
            bank.append((day, name))
            if len(bank) == BANK_HOLIDAYS_SHOWN:
                break
    page = render_template(
        "calendar/calendar.html",
        days=calendar().days(since=start),
        bank=bank,
        errors=errors,
        values=values,
        said=said,
        clock_time=clock_time,
        date_hint=DATE_HINT,
        time_hint=TIME_HINT,
        closed=CLOSED,
        weekly=weekly_hours(),
    )
    return page, status


def weekly_hours() -> list[tuple[str, str]]:
    """The weekly hours from flows.yaml, as words: [("Monday", "09:00 to 17:00"), ...]."""
    found = hours()
    if found is None:
        return []
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    return [
        (name, ", ".join(f"{clock_time(a)} to {clock_time(b)}" for a, b in spans) if spans else "closed")
        for name, spans in zip(names, found.open, strict=True)
    ]


@bp.post("/calendar")
@requires("accounts")
def calendar_change():
    """Add a closure (action=close) or an extra opening day (action=open)."""
    action = request.form.get("action", "")
    if action not in ("close", "open"):
        return render_page({"action": "Choose whether to close the line or open it on an extra day"}, {}, 400)
    prefix = f"{action}_"
    values = {k: request.form.get(k, "")[:200] for k in request.form if k.startswith(prefix)}
    errors = {}
    try:
        day = read_date(values.get(f"{prefix}date"), today())
    except FormError as exc:
        errors[f"{prefix}date"] = str(exc)
    note = values.get(f"{prefix}note", "").strip()
    if action == "close" and not note:
        errors[f"{prefix}note"] = "Enter why the line is closed (staff see this, callers do not)"
    opens = closes = None
    if action == "open":
        try:
            opens = read_time(values.get(f"{prefix}opens"), "opening time")
        except FormError as exc:
            errors[f"{prefix}opens"] = str(exc)
        try:
            closes = read_time(values.get(f"{prefix}closes"), "closing time")
        except FormError as exc:
            errors[f"{prefix}closes"] = str(exc)
        if opens is not None and closes is not None and closes <= opens:
            errors[f"{prefix}closes"] = "The closing time must be after the opening time"
    if errors:
        return render_page(errors, values, 400)
    now = current_app.config["IVR_CLOCK"]()
    try:
        with db().session() as session:
            if action == "close":
                calendar().close(day, note, current_user.email, now, session=session)
                audit.record(session, "calendar.close", f"line closed on {said(day)}: {note}")
            else:
                calendar().open_extra(day, opens, closes, note, current_user.email, now, session=session)
                detail = f"line open on {said(day)} from {clock_time(opens)} to {clock_time(closes)}"
                audit.record(session, "calendar.open", detail + (f": {note}" if note else ""))
    except CalendarError as exc:
        return render_page({f"{prefix}date": str(exc)}, values, 400)
    if action == "close":
        # Other capabilities' hooks (hook(day, note, by) -> a sentence or None): the callback queue
        # moves the due times the closure falls on. The calendar imports none of them.
        hooks = current_app.extensions.get("ivr.calendar.closure_hooks", ())
        told = [s for s in (hook(day, note, current_user.email) for hook in hooks) if s]
        flash(
            " ".join(
                [f"The line is closed on {said(day)}. Callers will hear it is closed, and it is not a working day."]
                + told
            ),
            "success",
        )
    else:
        flash(f"The line is open on {said(day)}, {clock_time(opens)} to {clock_time(closes)}.", "success")
    return redirect(url_for("calendar.line_calendar_page"))


@bp.post("/calendar/remove")
@requires("accounts")
def calendar_remove():
    """Take a closure or an extra opening day away: the day is as the weekly hours say again."""
    try:
        day = dt.date.fromisoformat(request.form.get("day", "")[:10])
    except ValueError:
        flash("That day could not be read: choose Remove next to a day in the list.", "error")
        return redirect(url_for("calendar.line_calendar_page"))
    try:
        with db().session() as session:
            gone = calendar().remove(day, session=session)
            what = "closure" if gone.kind == CLOSED else "extra opening"
            audit.record(session, "calendar.remove", f"{what} on {said(day)} removed")
    except CalendarError as exc:
        flash(str(exc), "error")
        return redirect(url_for("calendar.line_calendar_page"))
    flash(f"The {what} on {said(day)} is removed: that day follows the weekly hours again.", "success")
    return redirect(url_for("calendar.line_calendar_page"))
