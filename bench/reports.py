"""A year of a busy line for the reports: 2 million journey event rows on PostgreSQL (as the line writes them: a
move in the row of what caused it), then the time `ivr report` and the report's figures take for the whole year.

    .venv/bin/python bench/reports.py [--events 2000000] [--url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Makes a fresh database of its own on that server (dropped at the end), fills it with COPY,
rolls the year's finished days up once (timed: what the first report after an upgrade pays),
then times the report for the whole year three times, the Reports page for the year three times
(the view: figures, tables, charts and HTML), and `ivr report --json` as a command.
Prints the figures; exits 1 when the report takes 100 ms or more, or the page 300 ms or more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.db import Database, upgrade  # noqa: E402
from ivr.flow import load_flow  # noqa: E402
from ivr.reports import line_day  # noqa: E402
from ivr.reports.report import as_json, collect  # noqa: E402

PATHS = (  # (kind, node, detail) of typical calls, in order
    [
        ("entered", "welcome", "language"),
        ("key", "welcome", ""),
        ("language", "", "en-GB"),
        ("entered", "keys_intro", "guidance"),
    ],
    [
        ("entered", "main", "menu"),
        ("key", "main", ""),
        ("entered", "help", "guidance"),
        ("entered", "help_menu", "menu"),
    ],
    [
        ("entered", "main", "menu"),
        ("silence", "main", ""),
        ("wrong_key", "main", ""),
        ("key", "main", ""),
        ("entered", "prison", "guidance"),
    ],
    [
        ("entered", "main", "menu"),
        ("key", "main", ""),
        ("entered", "helpline_transfer", "transfer"),
        ("transfer", "helpline_transfer", "helpline/busy"),
        ("entered", "helpline_unavailable", "menu"),
    ],
    [
        ("entered", "main", "menu"),
        ("more_time", "main", ""),
        ("key", "main", ""),
        ("entered", "protection", "guidance"),
        ("entered", "protection_menu", "menu"),
        ("key", "protection_menu", ""),
        ("entered", "callback", "callback"),
        ("callback", "callback", "booked"),
    ],
)


def rows(count: int, first: dt.date):
    rng = random.Random(11)
    made = 0
    day_count = 365
    per_day = count // day_count + 1
    for d in range(day_count):
        day = first + dt.timedelta(days=d)
        start = dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC)
        done = 0
        while done < per_day and made < count:
            call = uuid.uuid4().hex
            at = start + dt.timedelta(seconds=rng.randrange(0, 12 * 3600))
            version = d // 30
            events = [("call_started", "", "")] + PATHS[0]
            if rng.random() < 0.1:
                events.append(("language", "", "cy-GB"))
            events += PATHS[rng.randrange(1, len(PATHS))]
            events.append(("call_ended", "", "completed"))
            for kind, node, detail, to_node, to_kind in folded(events):
                at += dt.timedelta(seconds=rng.randrange(3, 40))
                yield (at, day, call, kind, node, detail, version, to_node, to_kind)
                made += 1
                done += 1


def folded(events):
    """Rows as the line writes them (migration 0013): a move goes in the row of the event that caused it."""
    out = []
    for kind, node, detail in events:
        if kind == "entered" and out and out[-1][0] != "entered" and not out[-1][3]:
            out[-1] = (*out[-1][:3], node, detail)
        else:
            out.append((kind, node, detail, "", ""))
    return out


def page_timings(url: str, first: dt.date, until: dt.date, times: int = 3) -> list[float]:
    """Seconds to answer GET /admin/reports for first..until, the view itself (sign-in and access checks aside)."""
    from ivr import create_app

    clock = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "TWILIO_AUTH_TOKEN": "bench",
            "IVR_PUBLIC_URL": "https://line.example.org",
            "IVR_DATABASE_URL": url,
            "IVR_FLOW": str(ROOT / "flows.yaml"),
            "IVR_PROMPTS": str(ROOT / "prompts"),
            "IVR_SPEECH": "say",
            "IVR_CLOCK": lambda: clock,
        }
    )
    view = app.view_functions["reports.reports"].__wrapped__
    query = f"/admin/reports?from={first:%d/%m/%Y}&to={until:%d/%m/%Y}"
    timings = []
    try:
        for _ in range(times):
            with app.test_request_context(query):
                started = time.perf_counter()
                html = view()
                timings.append(time.perf_counter() - started)
            assert "Where callers give up" in html, "the page did not render its figures"
    finally:
        app.extensions["ivr.db"].dispose()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument(
        "--url", default=os.environ.get("IVR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    name = f"ivr_bench_reports_{uuid.uuid4().hex[:8]}"
    server = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        db = Database(url)
        # The year up to yesterday, as a real line's would be: `ivr report` (which reads the real date) then has
        # no more to roll up than the first report did, whatever day this runs.
        today = line_day(dt.datetime.now(dt.UTC))
        until = today - dt.timedelta(days=1)
        first = until - dt.timedelta(days=364)
        started = time.perf_counter()
        loader = create_engine(url)  # no statement time limit for the bulk load
        raw = loader.raw_connection()
        try:
            with raw.cursor() as cursor:
                columns = "at, day, call, kind, node, detail, version, to_node, to_kind"
                with cursor.copy(f"COPY journey_events ({columns}) FROM STDIN") as copy:
                    for row in rows(args.events, first):
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
            loader.dispose()
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE journey_events"))
            total = connection.scalar(text("SELECT count(*) FROM journey_events"))
        print(f"event rows: {total:,} over 365 days, loaded in {time.perf_counter() - started:.1f} s")
        flow = load_flow(str(ROOT / "flows.yaml"), str(ROOT / "prompts"))
        started = time.perf_counter()
        collect(db, first, until, today)  # the first report rolls the year up
        print(f"first report (rolls up 365 days once): {time.perf_counter() - started:.2f} s")
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            figures = as_json(flow, collect(db, first, until, today))
            timings.append(time.perf_counter() - started)
        print(
            f"report for a year ({figures['calls']:,} calls): best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"
        )
        page = page_timings(url, first, until)
        print(
            f"Reports page for a year (figures, tables, charts, HTML): best {min(page) * 1000:.0f} ms, "
            f"worst {max(page) * 1000:.0f} ms"
        )
        env = {
            **os.environ,
            "IVR_DATABASE_URL": url,
            "IVR_FLOW": str(ROOT / "flows.yaml"),
            "IVR_PROMPTS": str(ROOT / "prompts"),
        }
        ivr = str(Path(sys.executable).with_name("ivr"))
        started = time.perf_counter()
        done = subprocess.run(
            [ivr, "report", "--json", "--since", first.isoformat(), "--until", until.isoformat()],
            env=env,
            capture_output=True,
            text=True,
        )
        command = time.perf_counter() - started
        print(
            f"`ivr report --json` for a year, the whole command (Python start, call tree, database): {command:.2f} s (exit {done.returncode})"
        )
        db.dispose()
        ok = max(timings) < 0.1 and max(page) < 0.3
        print("targets (report for a year under 100 ms, its page under 300 ms):", "met" if ok else "MISSED")
        return 0 if ok else 1
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


if __name__ == "__main__":
    sys.exit(main())
