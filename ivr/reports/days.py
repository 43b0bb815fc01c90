"""The line's days as staff count them (UK time), and the reports' whole-number settings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LINE_TIME = ZoneInfo("Europe/London")  # days are counted as staff count them
DEFAULT_RETENTION_DAYS = 400
DEFAULT_MIN_COUNT = 10


def line_day(at: dt.datetime) -> dt.date:
    return at.astimezone(LINE_TIME).date()


def setting(config, name: str, default: int, unit: str = "") -> int:
    """A whole-number setting: the app's config (or instance config.py), else the environment, else `default`."""
    import os

    from ..errors import whole_number

    value = config.get(name)
    if value is None or str(value).strip() == "":
        value = os.environ.get(name, "").strip() or default
    return whole_number(name, value, unit)
