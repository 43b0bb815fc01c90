"""The caller's safe time as hours: "For the early evening, 5pm to 8pm" is 17:00 to 20:00.

The hours are read from the words of the prompt that offered the band (`callback.when.<band>`
in the line's first language), so a change to those words moves the due times and the
queue's warnings with them: the hours are never typed twice. Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import re

BANDS = ("morning", "afternoon", "evening")  # "any" is the whole day: no window of its own
CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)|midday|noon|midnight"
HOURS = re.compile(rf"\b({CLOCK})\s+(?:to|until|and|-|–)\s+({CLOCK})\b", re.IGNORECASE)
_NAMED = {"midday": dt.time(12), "noon": dt.time(12), "midnight": dt.time(0)}
_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s?(am|pm)", re.IGNORECASE)


def clock_time(words: str) -> dt.time:
    """'5pm' 17:00, '9.30am' 09:30, 'midday' 12:00."""
    words = words.strip().lower()
    if words in _NAMED:
        return _NAMED[words]
    hour, minute, half = _TIME.fullmatch(words).groups()
    hour = int(hour) % 12 + (12 if half.lower() == "pm" else 0)
    return dt.time(hour, int(minute or 0))


def window_in(words: str | None) -> tuple[dt.time, dt.time] | None:
    """(17:00, 20:00) from 'For the early evening, 5pm to 8pm'; None when the words give no hours."""
    match = HOURS.search(words or "")
    return (clock_time(match.group(1)), clock_time(match.group(2))) if match else None


def window(flow, band: str | None) -> tuple[dt.time, dt.time] | None:
    """The hours of the band the caller chose, from the words they heard; None for any time or unknown."""
    if band not in BANDS:
        return None
    try:
        return window_in(flow.prompts.text(f"callback.when.{band}", flow.settings.default_language))
    except KeyError:
        return None


def outside(hours: tuple[dt.time, dt.time] | None, at: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether `at` (aware) falls outside the window, in the line's zone (no window: never)."""
    if hours is None:
        return False
    start, end = hours
    moment = at.astimezone(zone).time()
    return not (start <= moment <= end if end != dt.time(0) else start <= moment)
