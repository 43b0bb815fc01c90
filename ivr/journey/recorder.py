"""Writing journey events off the webhook's critical path.

A webhook hands its events to `Recorder.add`, which only puts them on an
in-process queue (microseconds). A writer thread, started when there is work
and gone when idle, inserts them in batches. If the database refuses a batch,
or the queue is full, the events are dropped and counted in /metrics
(`ivr_journey_events_dropped_total`): reports lose a little, a call never does.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import queue
import threading
import time

from sqlalchemy import insert

from .models import JourneyEvent

_INSERT = insert(JourneyEvent.__table__)

log = logging.getLogger(__name__)


def counted(name: str, amount: int = 1) -> None:
    """Count events in /metrics (`dropped` or `written`). prometheus_client is imported here, not at the top:
    `ivr serve` must set its multiprocess folder before the first import (see ivr/serve.py)."""
    from .. import metrics

    (metrics.JOURNEY_DROPPED if name == "dropped" else metrics.JOURNEY_WRITTEN).inc(amount)


BATCH = 2000  # events in one INSERT at most
GATHER_SECONDS = 0.5  # how long the writer gathers events before one insert
IDLE_SECONDS = 2.0  # the writer thread ends after this long with nothing to write
CAPACITY = 20_000  # webhooks' event lists waiting at most; past it new ones are dropped


def call_digest(key: bytes, call_sid: str) -> str:
    """A keyed, one-way digest of a CallSid: joins one call's events, names no call."""
    return hmac.new(key, call_sid.encode(), hashlib.sha256).hexdigest()[:32]


def digest_key(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"ivr journey digest\0" + raw).digest()


class Recorder:
    """Queue of event rows (dicts for JourneyEvent) and the thread that writes them."""

    def __init__(self, db, key: bytes, enabled: bool = True):
        self.db = db
        self.key = key
        self.enabled = enabled
        self._queue: queue.Queue = queue.Queue(maxsize=CAPACITY)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def digest(self, call_sid: str) -> str:
        return call_digest(self.key, call_sid)

    def add(self, rows: list[dict]) -> None:
        """Hand rows to the writer; never blocks, never raises."""
        if not rows:
            return
        try:
            self._queue.put_nowait(rows)
        except queue.Full:
            counted("dropped", len(rows))
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ivr-journey-writer", daemon=True)
                self._thread.start()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything handed over so far is written (or dropped): for tests and commands."""
        done = threading.Event()

        def waiter():
            self._queue.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        done.wait(timeout)

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._thread = None
                        return
                continue
            taken = [first]
            rows = list(first)
            # Gather for a moment: one insert and one commit for many webhooks, not one each.
            deadline = time.monotonic() + GATHER_SECONDS
            while len(rows) < BATCH:
                wait = deadline - time.monotonic()
                try:
                    more = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                taken.append(more)
                rows.extend(more)
            self.write(rows)
            for _ in taken:
                self._queue.task_done()

    def write(self, rows: list[dict]) -> None:
        """Insert rows in one statement; a fault drops them, counted, logged by kind only."""
        try:
            with self.db.engine.begin() as connection:  # Core, not the ORM: a plain executemany
                connection.execute(_INSERT, rows)
            counted("written", len(rows))
        except Exception as exc:  # the writer must outlive any fault: drop, count, carry on
            counted("dropped", len(rows))
            log.warning("journey events dropped (%d): %s", len(rows), exc.__class__.__name__)
