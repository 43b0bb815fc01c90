"""Reading a date or a time as staff type them, with an error message that says what to type."""

from __future__ import annotations

import datetime as dt
import re

DATE_HINT = "For example, 24/12/2026"
TIME_HINT = "For example, 10:00 or 2pm"
_DATE = re.compile(r"^(\d{1,2})[\s/.\-](\d{1,2})[\s/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
FURTHEST_AHEAD = dt.timedelta(days=3 * 366)


class FormError(ValueError):
    """What is wrong with one field, in words to show next to it."""


def read_date(text: str, today: dt.date) -> dt.date:
    """'24/12/2026', '24 12 2026' or '2026-12-24' -> a date from today to about three years ahead."""
    text = (text or "").strip()
    if not text:
        raise FormError("Enter the date, for example 24/12/2026")
    iso = _ISO.match(text)
    found = _DATE.match(text)
    try:
        if iso:
            day = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif found:
            day = dt.date(int(found[3]), int(found[2]), int(found[1]))
        else:
            raise FormError("Enter the date as day, month and year, for example 24/12/2026")
    except ValueError as exc:
        if isinstance(exc, FormError):
            raise
        raise FormError("That date does not exist: check the day and the month") from exc
    if day < today:
        raise FormError("The date must be today or later")
    if day - today > FURTHEST_AHEAD:
        raise FormError("The date must be within three years from today")
    return day


def read_time(text: str, what: str) -> dt.time:
    """'10:00', '9.30', '2pm', '14' -> a time of day; `what` names the field in the message."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        raise FormError(f"Enter the {what}, for example 10:00")
    found = _TIME.match(text)
    if not found:
        raise FormError(f"Enter the {what} as hours and minutes, for example 10:00 or 2pm")
    hour, minute, half = int(found[1]), int(found[2] or 0), (found[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise FormError(f"Enter the {what} as hours and minutes, for example 10:00 or 2pm")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise FormError(f"The {what} must be a time of day, from 00:00 to 23:59")
    return dt.time(hour, minute)
