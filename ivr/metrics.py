"""Prometheus metrics for the operator: webhook latency, calls, transfers, bookings, fallbacks.

Under gunicorn each worker is its own process, so `ivr serve` points
PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start and
/metrics adds up every worker's figures. No label ever holds a phone number,
a CallSid or any caller input: only node kinds, routes and fixed outcomes.
/metrics answers requests from this machine only, unless IVR_METRICS_TOKEN is
set, in which case it wants `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from . import dryrun

bp = Blueprint("metrics", __name__)

WEBHOOK_SECONDS = Histogram(
    "ivr_webhook_seconds",
    "Time to answer a Twilio webhook",
    ["route"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CALLS = Counter("ivr_calls_total", "Calls answered")
TRANSFERS = Counter("ivr_transfers_total", "Transfers ended, by outcome", ["outcome"])
BOOKINGS = Counter(
    "ivr_bookings_total",
    "Callback bookings: booked, failed (database), refused (no data key) or limited (daily limit)",
    ["result"],
)
FALLBACKS = Counter("ivr_fallbacks_total", "Webhooks answered with the fallback after a fault")
JOURNEY_DROPPED = Counter(
    "ivr_journey_events_dropped_total",
    "Journey event rows for reports dropped (the database refused them, or too many waited): reports undercount",
)
JOURNEY_WRITTEN = Counter("ivr_journey_events_written_total", "Journey event rows for reports written to the database")
REFUSED = Counter(
    "ivr_webhooks_refused_total",
    "Webhooks refused (403) for a missing or wrong Twilio signature; all of them: a wrong token or IVR_PUBLIC_URL",
)

TRANSFER_OUTCOMES = ("completed", "busy", "no-answer", "failed", "canceled")


def transfer_outcome(status: str) -> str:
    return status if status in TRANSFER_OUTCOMES else "other"


def start_timer():
    g.ivr_started = time.perf_counter()


_timers: dict[str, object] = {}


def observe(response):
    started = g.pop("ivr_started", None)
    if dryrun.active():  # staff trying the line: not a webhook Twilio was served
        return response
    rule = request.url_rule
    if started is not None and rule is not None:
        timer = _timers.get(rule.rule) or _timers.setdefault(rule.rule, WEBHOOK_SECONDS.labels(rule.rule))
        timer.observe(time.perf_counter() - started)
    return response


def registry() -> CollectorRegistry:
    from prometheus_client import REGISTRY

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return REGISTRY
    from prometheus_client import multiprocess

    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined, path=folder)
    return combined


def add_collector(app, make) -> None:
    """A capability's figures read at each scrape (the same for every worker): `make(app)` gives a
    prometheus_client collector (ivr.callbacks offers the queue's)."""
    app.extensions.setdefault("ivr.metrics.collectors", []).append(make)


def collectors_registry() -> CollectorRegistry:
    shared = CollectorRegistry(auto_describe=False)
    app = current_app._get_current_object()
    for make in app.extensions.get("ivr.metrics.collectors", ()):
        shared.register(make(app))
    return shared


@bp.get("/metrics")
def metrics():
    """Prometheus exposition of every worker's metrics."""
    token = current_app.config.get("IVR_METRICS_TOKEN")
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            abort(403)
    elif request.remote_addr not in ("127.0.0.1", "::1"):
        abort(403)
    body = generate_latest(registry()) + generate_latest(collectors_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def worker_exit(_server, worker):
    """gunicorn hook: a dead worker's live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
