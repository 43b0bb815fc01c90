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


class CallbackQueue:
    """The callback queue as the database holds it, read at each scrape (the same for every worker):
    open requests by status and the age of the oldest, so an alert sees callers left waiting."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy import func, select
        from sqlalchemy.exc import SQLAlchemyError

        from .callbacks.models import COULD_NOT_REACH, DONE, STATUSES, CallbackRequest

        open_statuses = [status for status in STATUSES if status not in (DONE, COULD_NOT_REACH)]
        try:
            with self.app.extensions["ivr.db"].session() as session:
                counts = dict(
                    session.execute(
                        select(CallbackRequest.status, func.count())
                        .where(CallbackRequest.status.in_(open_statuses))
                        .group_by(CallbackRequest.status)
                    ).all()
                )
                oldest = session.scalar(
                    select(func.min(CallbackRequest.created_at)).where(CallbackRequest.status.in_(open_statuses))
                )
        except SQLAlchemyError:
            return  # the database is down: other alerts say so; no figure rather than a wrong one
        by_status = GaugeMetricFamily("ivr_callbacks_open", "Callback requests not yet closed", labels=["status"])
        for status in open_statuses:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        age = 0.0
        if oldest is not None:
            now = self.app.config["IVR_CLOCK"]()
            age = max(0.0, (now - (oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo))).total_seconds())
        yield GaugeMetricFamily(
            "ivr_callbacks_oldest_open_seconds",
            "Age of the oldest callback request not yet closed (0: none)",
            value=age,
        )


def registry() -> CollectorRegistry:
    from prometheus_client import REGISTRY

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return REGISTRY
    from prometheus_client import multiprocess

    combined = CollectorRegistry()
    multiprocess.MultiProcessCollector(combined, path=folder)
    return combined


def queue_registry() -> CollectorRegistry:
    queue = CollectorRegistry(auto_describe=False)
    queue.register(CallbackQueue(current_app._get_current_object()))
    return queue


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
    body = generate_latest(registry()) + generate_latest(queue_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def worker_exit(_server, worker):
    """gunicorn hook: a dead worker's live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
