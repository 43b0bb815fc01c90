"""The callback queue's figures for /metrics, read from the database at each scrape."""

from __future__ import annotations


class CallbackQueue:
    """The callback queue as the database holds it, read at each scrape (the same for every worker):
    open requests by status and the age of the oldest, so an alert sees callers left waiting."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy import func, select
        from sqlalchemy.exc import SQLAlchemyError

        from .models import COULD_NOT_REACH, DONE, STATUSES, CallbackRequest

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
