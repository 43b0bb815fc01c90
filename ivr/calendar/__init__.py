"""The line's calendar: closures and extra opening days an admin sets, on top of the
weekly hours in flows.yaml and the bank holidays (the rules are pure, in ivr.flow.hours).

store.py keeps the days in the database and hands them to the rules on every request,
heard by every server within IVR_CALENDAR_CACHE_SECONDS; forms.py reads what an admin
typed (dates and times in the ways people write them); views.py is the Calendar page,
its changes and their audit entries.
"""

from __future__ import annotations


def init_app(app) -> None:
    """The admin's closures and extra days, for the line's calendar (every server, with or without staff pages)."""
    from .store import init_app as bind_store

    bind_store(app)


def init_pages(app) -> None:
    """The Calendar page (admins), and its line on the staff home page."""
    from ..staff import Tile, register_pages
    from .views import bp

    register_pages(
        app,
        bp,
        Tile(80, "calendar", "calendar.line_calendar_page", "Calendar",
             "close the line for a day, or open it on an extra day.", ability="accounts", nav=False),
    )
