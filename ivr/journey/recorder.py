"""Writing journey events off the webhook's critical path, at the least cost to the webhook.

A webhook hands its event rows (tuples in `COLUMNS` order) to `Recorder.add`,
which only appends them to an in-process deque: no lock, no queue, no wakeup of
another thread (a condition variable per event costs a thread switch per
webhook, which is most of what recording used to cost). A writer thread,
started when there is work and gone when idle, wakes every `GATHER_SECONDS`,
takes everything waiting and writes it in one transaction: PostgreSQL with COPY,
other databases with one driver-level executemany of plain tuples (SQLAlchemy's
column types still convert the values, so SQLite stores what the ORM reads back).

If the database refuses a batch, or too much is waiting, events are dropped and
counted in /metrics (`ivr_journey_events_dropped_total`): reports lose a little,
a call never does.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import logging
import threading
import time

from .models import JourneyEvent

log = logging.getLogger(__name__)

COLUMNS = ("at", "day", "call", "kind", "node", "detail", "version")  # the order of a row tuple
BATCH = 5000  # rows in one statement at most
GATHER_SECONDS = 0.5  # the writer wakes this often while there is work
IDLE_SECONDS = 2.0  # the writer thread ends after this long with nothing to write
CAPACITY = 50_000  # rows waiting at most; past it new ones are dropped (counted)
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

    def digest(self, call_sid: str) -> str:
        digest = self._digests.get(call_sid)
        if digest is None:
            if len(self._digests) >= DIGESTS_KEPT:
                self._digests.clear()
            digest = self._digests[call_sid] = call_digest(self.key, call_sid)
        return digest

    def add(self, rows: list[tuple]) -> None:
        """Hand rows to the writer; never blocks (but for the first row after an idle spell), never raises."""
        if not rows:
            return
        if len(self._pending) >= CAPACITY:
            counted("dropped", len(rows))
            return
        self._pending.extend(rows)  # atomic: a deque needs no lock for this
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
        """Write what is waiting, in batches; the number of rows taken."""
        taken = 0
        pop = self._pending.popleft
        while self._pending:
            rows = []
            try:
                for _ in range(min(BATCH, len(self._pending))):
                    rows.append(pop())
            except IndexError:  # flush and the writer never drain together, but be safe
                pass
            if rows:
                self.write(rows)
                taken += len(rows)
        return taken

    def write(self, rows: list[tuple]) -> None:
        """Insert rows in one transaction; a fault drops them, counted, logged by kind only."""
        try:
            engine = self.db.engine
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
                    _copy(connection, rows)
                else:
                    sql, processors = self._insert(engine)
                    if engine.dialect.name == "sqlite":
                        # SQLAlchemy's own text forms for SQLite's DateTime and Date ("2026-11-25 10:00:30.125676",
                        # its wall time, no offset; "2026-11-25"), made by C code: a third of the cost of a row.
                        rows = [
                            (row[0].replace(tzinfo=None).isoformat(" ", "microseconds"), row[1].isoformat(), *row[2:])
                            for row in rows
                        ]
                    elif any(processors):
                        rows = [
                            tuple(value if p is None else p(value) for p, value in zip(processors, row, strict=True))
                            for row in rows
                        ]
                    connection.exec_driver_sql(sql, rows)
            counted("written", len(rows))
        except Exception as exc:  # the writer must outlive any fault: drop, count, carry on
            counted("dropped", len(rows))
            log.warning("journey events dropped (%d): %s", len(rows), exc.__class__.__name__)

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


def _copy(connection, rows: list[tuple]) -> None:
    """PostgreSQL's COPY, through psycopg, inside SQLAlchemy's transaction."""
    table = JourneyEvent.__table__
    columns = ", ".join(f'"{name}"' for name in COLUMNS)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
