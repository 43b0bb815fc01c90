"""Reports: what happens in calls, by kind only, for the reports staff and funders read.

The line writes the events (ivr.line.journey: never a phone number, never the digits
typed or the words said, never the CallSid); this capability keeps them and reads them.
Modules: models (tables), recorder (the queue and writer, off the webhooks' critical
path), summary (events -> totals, daily roll-ups, retention), report (the figures
`ivr report` and the Reports page show), page (the page's charts), views (the Reports
page), cli (`ivr report`).
"""

from __future__ import annotations

from .days import DEFAULT_MIN_COUNT, DEFAULT_RETENTION_DAYS, LINE_TIME, line_day, setting
from .recorder import Recorder, digest_key

__all__ = ["LINE_TIME", "init_app", "init_pages", "line_day", "setting"]

def init_app(app) -> None:
    """The recorder (app.extensions["ivr.journey"]) and the end of a call from the status callback."""
    app.config["IVR_EVENT_RETENTION_DAYS"] = setting(
        app.config, "IVR_EVENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, " of days"
    )
    app.config["IVR_REPORT_MIN_COUNT"] = setting(app.config, "IVR_REPORT_MIN_COUNT", DEFAULT_MIN_COUNT)
    import os

    switch = str(app.config.get("IVR_JOURNEY_EVENTS") or os.environ.get("IVR_JOURNEY_EVENTS", "on")).strip().lower()
    enabled = switch not in ("off", "0", "false", "no")  # off: record nothing (the benchmark's baseline)
    app.extensions["ivr.journey"] = Recorder(app.extensions["ivr.db"], digest_key(app.config["SECRET_KEY"]), enabled)


def init_pages(app) -> None:
    """The Reports page (managers), and its line on the staff home page."""
    from ..staff import Tile, register_pages
    from .views import bp

    register_pages(
        app,
        bp,
        Tile(50, "reports", "reports.reports", "Reports",
             "how the line serves callers, where they give up, and which menus they struggle with.",
             ability="reports"),
    )
