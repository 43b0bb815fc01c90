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

from prometheus_client import Counter
from sqlalchemy import insert

from .models import JourneyEvent

log = logging.getLogger(__name__)

DROPPED = Counter(
    "ivr_journey_events_dropped_total",
    "Journey events for reports dropped (the database refused them, or too many waited): reports undercount",
)
WRITTEN = Counter("ivr_journey_events_written_total", "Journey events for reports written to the database")

BATCH = 500  # events in one INSERT at most
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
            DROPPED.inc(len(rows))
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
            while len(rows) < BATCH:
                try:
                    more = self._queue.get_nowait()
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
            with self.db.session() as session:
                session.execute(insert(JourneyEvent), rows)
            WRITTEN.inc(len(rows))
        except Exception as exc:  # the writer must outlive any fault: drop, count, carry on
            DROPPED.inc(len(rows))
            log.warning("journey events dropped (%d): %s", len(rows), exc.__class__.__name__)
