"""Writing journey events off the webhook's critical path, at the least cost to the webhook.

A webhook hands what it recorded to `Recorder.add` as one entry: what its events
share (when, the day, the call's digest, the published serial) once, then each
event's kind, node, detail, to_node and to_kind, all in one flat tuple of strings,
numbers and dates: nothing the garbage collector must keep visiting while it waits
(a list or a tuple per event would be). `add` only appends that entry to an
in-process deque: no lock, no queue, no wakeup of another thread (a condition
variable per event costs a thread switch per webhook, which is most of what
recording used to cost). A writer thread, started when there is work and gone when idle, wakes
every `GATHER_SECONDS`, takes everything waiting, turns each entry into rows
(`COLUMNS` order; the shared values converted once per entry, not once per row)
and writes them in one transaction: PostgreSQL with COPY, other databases with
one driver-level executemany of plain tuples (in the forms SQLAlchemy's column
types store, so what the ORM reads back is what was recorded).

A graceful stop (SIGTERM to `ivr serve`, or any exit that runs atexit) writes what is
waiting first (ivr.shutdown); a SIGKILL loses what is waiting: at most the last
`GATHER_SECONDS` of each worker's webhooks.

If the database refuses a batch, or too much is waiting, events are dropped and
counted in /metrics (`ivr_journey_events_dropped_total`): reports lose a little,
a call never does.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import hmac
import logging
import re
import threading
import time

from .. import shutdown
from .models import JourneyEvent

log = logging.getLogger(__name__)

COLUMNS = ("at", "day", "call", "kind", "node", "detail", "version", "to_node", "to_kind")  # a row tuple's order
SHARED = 4  # an entry's first values: at, day, call, version
FIELDS = 5  # then each event's: kind, node, detail, to_node, to_kind
BATCH = 5000  # rows in one statement at most (a little over: an entry's rows go together)
GATHER_SECONDS = 0.5  # the writer wakes this often while there is work
IDLE_SECONDS = 2.0  # the writer thread ends after this long with nothing to write
CAPACITY = 20_000  # entries (webhooks) waiting at most; past it new ones are dropped (counted)
_CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
DIGESTS_KEPT = 10_000  # CallSid digests remembered (a call makes many webhooks); then forgotten at once


def counted(name: str, amount: int = 1) -> None:
    """Count events in /metrics (`dropped` or `written`). prometheus_client is imported here, not at the top:
    `ivr serve` must set its multiprocess folder before the first import (see ivr/serve.py)."""
    from .. import metrics

    (metrics.JOURNEY_DROPPED if name == "dropped" else metrics.JOURNEY_WRITTEN).inc(amount)


def call_digest(key: bytes, call_sid: str) -> str:
    """A keyed, one-way digest of a CallSid: joins one call's events, names no call."""
    return hmac.new(key, call_sid.encode(), hashlib.sha256).hexdigest()[:32]


def digest_key(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"ivr journey digest\0" + raw).digest()


class Recorder:
    """Rows waiting to be written, and the thread that writes them."""

    def __init__(self, db, key: bytes, enabled: bool = True):
        self.db = db
        self.key = key
        self.enabled = enabled
        self._pending: collections.deque[tuple] = collections.deque()
        self._digests: dict[str, str] = {}
        self._lock = threading.Lock()  # starting and ending the writer thread
        self._writing = threading.Lock()  # one drain at a time (the writer thread or flush)
        self._thread: threading.Thread | None = None
        self._statement: tuple[object, str, list] | None = None  # (engine, SQL, bind processors), made once
        # A graceful stop writes what is waiting (the writer thread is a daemon: it would die with the rest).
        shutdown.at_exit(self.flush)

    def digest(self, call_sid: str) -> str | None:
        """The call's digest, remembered; None for anything that is not a CallSid (nothing is recorded of it)."""
        digest = self._digests.get(call_sid)
        if digest is None:
            if not _CALL_SID.fullmatch(call_sid):
                return None
            if len(self._digests) >= DIGESTS_KEPT:
                self._digests.clear()
            digest = self._digests[call_sid] = call_digest(self.key, call_sid)
        return digest

    def add(self, at: dt.datetime, day: dt.date, call: str, version: int, events) -> None:
        """Hand one webhook's events to the writer: what they share, then `events`, a flat sequence of five strings
        an event (kind, node, detail, to_node, to_kind). Never blocks (but for the first entry after an idle spell),
        never raises."""
        if not events:
            return
        if len(events) % FIELDS:  # a malformed entry would sink the whole batch it was written with: not this one
            counted("dropped")
            log.warning("journey events not recorded: %d fields is not %d an event", len(events), FIELDS)
            return
        if len(self._pending) >= CAPACITY:
            counted("dropped", len(events) // FIELDS)
            return
        self._pending.append((at, day, call, version, *events))  # atomic: a deque needs no lock for this
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="ivr-journey-writer", daemon=True)
                    self._thread.start()

    def flush(self) -> None:
        """Write everything handed over so far, now (for tests and commands)."""
        with self._writing:
            self._drain()

    def _run(self) -> None:
        idle = 0.0
        while True:
            time.sleep(GATHER_SECONDS)
            with self._writing:
                wrote = self._drain()
            idle = 0.0 if wrote else idle + GATHER_SECONDS
            if idle < IDLE_SECONDS:
                continue
            with self._lock:
                # Step down first, then look: a row added after the look sees no thread and starts one;
                # a row added before it keeps this one.
                self._thread = None
                if not self._pending:
                    return
                self._thread = threading.current_thread()
                idle = 0.0

    def _drain(self) -> int:
        """Write what is waiting, in batches; the number of events taken."""
        taken = 0
        pop = self._pending.popleft
        while self._pending:
            entries, events = [], 0
            try:
                while events < BATCH:
                    entry = pop()
                    entries.append(entry)
                    events += (len(entry) - SHARED) // FIELDS
            except IndexError:  # all taken (flush and the writer never drain together)
                pass
            if entries:
                self.write(entries)
                taken += events
        return taken

    def write(self, entries: list[tuple]) -> None:
        """Insert the entries' events in one transaction; a fault drops them, counted, logged by kind only."""
        events = sum(len(entry) - SHARED for entry in entries) // FIELDS
        try:
            engine = self.db.engine
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
                    _copy(connection, _rows(entries))
                elif engine.dialect.name == "sqlite":
                    connection.exec_driver_sql(self._insert(engine)[0], _rows(entries, as_text=True))
                else:
                    sql, processors = self._insert(engine)
                    rows = _rows(entries)
                    if any(processors):
                        rows = [
                            tuple(value if p is None else p(value) for p, value in zip(processors, row, strict=True))
                            for row in rows
                        ]
                    connection.exec_driver_sql(sql, rows)
            counted("written", events)
        except Exception as exc:  # the writer must outlive any fault: drop, count, carry on
            counted("dropped", events)
            log.warning("journey events dropped (%d): %s", events, exc.__class__.__name__)

    def _insert(self, engine) -> tuple[str, list]:
        """The driver's INSERT for this engine and the column types' bind processors, made once."""
        if self._statement is None or self._statement[0] is not engine:
            dialect = engine.dialect
            marks = {"qmark": "?", "format": "%s", "pyformat": "%s"}
            if dialect.paramstyle not in marks:
                raise RuntimeError(f"journey events: unsupported driver paramstyle {dialect.paramstyle}")
            quote = dialect.identifier_preparer.quote
            table = JourneyEvent.__table__
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(table.name),
                ", ".join(quote(name) for name in COLUMNS),
                ", ".join([marks[dialect.paramstyle]] * len(COLUMNS)),
            )
            processors = [table.c[name].type.bind_processor(dialect) for name in COLUMNS]
            self._statement = (engine, sql, processors)
        return self._statement[1], self._statement[2]


def _rows(entries: list[tuple], as_text: bool = False) -> list[tuple]:
    """Row tuples in COLUMNS order. `as_text`: the time and day in the text forms SQLAlchemy's SQLite DateTime and
    Date store ("2026-11-25 10:00:30.125676": the clock's wall time, no offset; "2026-11-25"), made once per second
    of the batch (the time, to which each entry adds its microseconds) or per day: they were half a row's cost."""
    rows, days, seconds = [], {}, {}
    for entry in entries:
        at, day, call, version = entry[:SHARED]
        if as_text:
            # (isoformat on the aware time formats the UTC offset only to have it cut off: three times the cost.)
            second = (at.year, at.month, at.day, at.hour, at.minute, at.second)
            upto = seconds.get(second)
            if upto is None:
                upto = seconds[second] = at.replace(microsecond=0, tzinfo=None).isoformat(" ")
            at = f"{upto}.{at.microsecond:06d}"
            on = days.get(day)
            if on is None:
                on = days[day] = day.isoformat()
            day = on
        for i in range(SHARED, len(entry), FIELDS):
            kind, node, detail, to_node, to_kind = entry[i : i + FIELDS]
            rows.append((at, day, call, kind, node[:64], detail[:64], version, to_node[:64], to_kind[:16]))
    return rows


def _copy(connection, rows: list[tuple]) -> None:
    """PostgreSQL's COPY, through psycopg, inside SQLAlchemy's transaction."""
    table = JourneyEvent.__table__
    columns = ", ".join(f'"{name}"' for name in COLUMNS)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
