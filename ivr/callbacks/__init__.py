"""Callbacks from a victim liaison officer: the booking dialogue, its storage, encryption and retention.

`init_app(app)` sets up the store (app.extensions["ivr.callbacks"]), the
booking webhooks and the end-of-call clean-up. Modules: numbers (checking a
number), dialogue (the questions; pure), crypto (IVR_DATA_KEY), models and
store (the tables and their API), views (webhooks), cli (`ivr callbacks`).
"""

from __future__ import annotations

import logging

from ..errors import whole_number

log = logging.getLogger(__name__)


def retention_days(value) -> int:
    """IVR_RETENTION_DAYS as a number of days (at least 1)."""
    return whole_number("IVR_RETENTION_DAYS", value, " of days")


def retention_kind_days(name: str, value) -> int:
    """IVR_RETENTION_NO_CONTACT_DAYS or IVR_RETENTION_COULD_NOT_REACH_DAYS as a number of days (at least 1)."""
    return whole_number(name, value, " of days")


def per_number_per_day(value) -> int:
    """IVR_BOOKINGS_PER_NUMBER_PER_DAY as a number (at least 1)."""
    return whole_number("IVR_BOOKINGS_PER_NUMBER_PER_DAY", value)


def max_attempts(value) -> int:
    """IVR_CALLBACK_MAX_ATTEMPTS: failed attempts before a request closes as "could not reach"."""
    return whole_number("IVR_CALLBACK_MAX_ATTEMPTS", value)


def make_store(config, instance_path, db):
    """The CallbackStore for a config (the app's, or the CLI's read the same way)."""
    from .crypto import data_key
    from .store import (
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_NO_CONTACT_DAYS,
        DEFAULT_PER_NUMBER_PER_DAY,
        DEFAULT_RETENTION_DAYS,
        DEFAULT_UNREACHED_DAYS,
        CallbackStore,
    )

    key = data_key(config.get("IVR_DATA_KEY"), instance_path, config.get("IVR_PUBLIC_URL") or "")
    days = retention_days(config.get("IVR_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    limit = per_number_per_day(config.get("IVR_BOOKINGS_PER_NUMBER_PER_DAY") or DEFAULT_PER_NUMBER_PER_DAY)
    attempts = max_attempts(config.get("IVR_CALLBACK_MAX_ATTEMPTS") or DEFAULT_MAX_ATTEMPTS)
    no_contact = retention_kind_days(
        "IVR_RETENTION_NO_CONTACT_DAYS", config.get("IVR_RETENTION_NO_CONTACT_DAYS") or DEFAULT_NO_CONTACT_DAYS
    )
    unreached = retention_kind_days(
        "IVR_RETENTION_COULD_NOT_REACH_DAYS", config.get("IVR_RETENTION_COULD_NOT_REACH_DAYS") or DEFAULT_UNREACHED_DAYS
    )
    return CallbackStore(db, key, days, limit, attempts, no_contact, unreached)


def init_app(app) -> None:
    from . import views
    from .crypto import HOW_TO_SET

    store = make_store(app.config, app.instance_path, app.extensions["ivr.db"])
    if not store.can_store:
        log.warning(
            "IVR_DATA_KEY is not set, so callers cannot book callbacks (they are given the helpline "
            "number instead); to turn bookings on, %s",
            HOW_TO_SET,
        )
    app.extensions["ivr.callbacks"] = store
    from .. import metrics
    from .metrics import CallbackQueue

    metrics.add_collector(app, CallbackQueue)  # open requests and the oldest one's age, at each scrape
    app.extensions.setdefault("ivr.status_hooks", []).append(views.call_ended)
    app.register_blueprint(views.bp)


def purge_expired(app) -> int:
    """Remove requests past IVR_RETENTION_DAYS and stale drafts, and journey events past
    IVR_EVENT_RETENTION_DAYS (their daily totals stay); a failure is logged, not raised."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..reports.summary import purge_safely

    purge_safely(app)
    try:
        return app.extensions["ivr.callbacks"].purge(app.config["IVR_CLOCK"]())
    except SQLAlchemyError as exc:
        log.warning("callback purge failed: %s", exc.__class__.__name__)
        return 0


def init_pages(app) -> None:
    """The callback queue and request pages (caseworkers), and the queue's line on the staff home page."""
    from ..staff import Tile, register_pages
    from . import (
        queue_attempts,  # noqa: F401  (attempts on a request's page, on the queue blueprint)
        queue_reassign,  # (reassigning, and an account switched off: on the queue blueprint)
    )
    from .queue_views import available, bp, home_counts

    app.extensions.setdefault("ivr.staff.account_off_hooks", []).append(queue_reassign.account_off)
    from .closures import closure_added

    app.extensions.setdefault("ivr.calendar.closure_hooks", []).append(closure_added)
    register_pages(
        app,
        bp,
        Tile(30, "queue", "queue.queue", "Callback queue", "call people back, soonest due first.",
             ability="queue", counts=home_counts, shown=available),
    )
