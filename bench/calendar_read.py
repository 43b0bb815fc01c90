"""Benchmark: what the admin's closures and extra days cost the open/closed decision of a call.

`line_calendar.is_open` is asked at every opening-hours branch (key 0, silence to a person).
It reads the admin's days through the app's CalendarStore, which keeps them for
IVR_CALENDAR_CACHE_SECONDS: this prints the cost with no source, with the cached source (what
a webhook pays almost always), and with a database read every time (what it pays once per
server per cache period). SQLite in a temporary folder.

    .venv/bin/python bench/calendar_read.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
import timeit
from pathlib import Path

from ivr.calendar.store import CalendarStore
from ivr.db import Database, upgrade
from ivr.flow import hours as line_calendar
from ivr.flow import load_flow

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    flow = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
    hours = line_calendar.helpline_hours(flow)
    at = dt.datetime(2026, 11, 25, 11, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        cached_db, fresh_db = Database(url), Database(url)
        cached, fresh = CalendarStore(cached_db, cache_seconds=10), CalendarStore(fresh_db, cache_seconds=0)
        runs = {}
        for name, source, n in (("no source", None, 20000), ("cached", cached.exceptions, 20000)):
            line_calendar.use(source)
            runs[name] = timeit.timeit(lambda: line_calendar.is_open(hours, at), number=n) / n
        line_calendar.use(fresh.exceptions)
        runs["a database read each time"] = timeit.timeit(lambda: line_calendar.is_open(hours, at), number=500) / 500
        line_calendar.use(None)
        cached_db.dispose()
        fresh_db.dispose()
    for name, seconds in runs.items():
        print(f"is_open, {name}: {seconds * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
