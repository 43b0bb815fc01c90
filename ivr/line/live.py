"""The live line that follows the database: published words and recordings reach
the next call, on every instance, with no restart.

`app.extensions["ivr.line"]` becomes a LiveLine. Each call to it costs at most
one tiny query a second (the live-state serial); when the serial changes the
flow is rebuilt with the published words and checked. A failed check, or a
database that cannot be reached, keeps the last good Line serving.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError

from ..errors import FlowError
from ..flow import load_flow
from ..prompts import sound, store
from .line import Line

log = logging.getLogger(__name__)
CHECK_EVERY = 1.0  # seconds between serial checks in one process


class LiveLine:
    """A callable returning the current Line; rebuilt when the published serial changes."""

    def __init__(self, app, shipped: Line, clock=time.monotonic):
        self.app = app
        self.config = app.config
        self.db = app.extensions["ivr.db"]
        self.shipped = shipped
        self.line = shipped
        self.serial: int | None = None
        self.clock = clock
        self.checked_at = float("-inf")
        self._lock = threading.Lock()

    def __call__(self) -> Line:
        if self.clock() - self.checked_at >= CHECK_EVERY and self._lock.acquire(blocking=False):
            try:
                self.refresh()
            finally:
                self._lock.release()
        return self.line

    def refresh(self, force: bool = False) -> None:
        """Check the serial now; rebuild the line if it changed (or if forced)."""
        self.checked_at = self.clock()
        try:
            with self.db.session() as session:
                serial = store.live_serial(session)
                if serial == self.serial and not force:
                    return
                overrides = store.published_texts(session)
                recordings = sound.materialise(self.app, session)
        except SQLAlchemyError as exc:
            log.warning("live line: database unreachable, keeping the last good words (%s)", exc.__class__.__name__)
            return
        if not overrides and not recordings and self.serial is None:
            self.serial = serial  # nothing published yet: the shipped line is the live one
            return
        try:
            flow = load_flow(self.config["IVR_FLOW"], self.config.get("IVR_PROMPTS"), overrides or None)
            try:  # the published clips this server lacks, from the database, before callers are switched
                sound.materialise_clips(self.app, flow)
            except SQLAlchemyError as exc:
                log.warning(
                    "live line: published clips not fetched (%s); missing ones are fetched on demand",
                    exc.__class__.__name__,
                )
            audio = sound.lookup(self.app, flow, recordings)
            line = Line.build(flow, self.config["IVR_PUBLIC_URL"], self.config["IVR_SPEECH"], audio)
        except FlowError as exc:
            log.error("live line: published words fail the checks, keeping the last good words:\n%s", exc)
            self.serial = serial
            return
        self.line, self.serial = line, serial
        log.info("live line: now at published serial %s (flow %s)", serial, line.flow.version)
