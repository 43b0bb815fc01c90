"""Dry runs: calls rung from the staff area ("Try the line") through the real webhooks,
with no side effects.

The staff page sends signed requests to the real voice and booking views in-process,
with a `DryRun` in the WSGI environ under ENVIRON_KEY (a key no HTTP client can set:
headers arrive as HTTP_*). Everything that leaves a trace of a call honours it:

- the line and the clock: `line(app)` and `now(app)` give the dry run's own Line (the
  live words, or a staff member's drafts) and its chosen time (the helpline open,
  closed, or on a bank holiday), through the real opening-hours decision;
- callback bookings: `callbacks(app)` is a copy of the real store on a throwaway
  in-memory database, so the booking is made by the real code, shown, and discarded;
- metrics and anything recorded for reports: skip it when `active()` is true.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import has_request_context, request

ENVIRON_KEY = "ivr.dry_run"


@dataclass
class DryRun:
    """One simulated call: the line it rings, the time it rings at, where its bookings go."""

    line: Any  # ivr.line.line.Line
    now: dt.datetime
    callbacks: Any = None  # a CallbackStore on a throwaway database (see ivr.callbacks.store.throwaway_copy)
    notes: dict = field(default_factory=dict)  # what the views want the caller of the dry run to know


def current() -> DryRun | None:
    """The dry run this request belongs to, or None for a real call."""
    if not has_request_context():
        return None
    return request.environ.get(ENVIRON_KEY)


def active() -> bool:
    """Whether this request is part of a dry run: record nothing, count nothing."""
    return current() is not None


def line(app):
    dry = current()
    return dry.line if dry is not None else app.extensions["ivr.line"]()


def now(app) -> dt.datetime:
    dry = current()
    return dry.now if dry is not None else app.config["IVR_CLOCK"]()


def callbacks(app):
    dry = current()
    if dry is not None and dry.callbacks is not None:
        return dry.callbacks
    return app.extensions["ivr.callbacks"]
