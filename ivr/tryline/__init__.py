"""Try the line: staff ring the real line from the staff area, with switches a real call
cannot give on demand, and no side effects (see ivr.dryrun). Modules: runner (the
replayed call), clock (the moment that makes the helpline open, closed or on a
holiday), drafts (a staff member's own drafts), saved (saved test calls), guard
(saved test calls checked before every publish), views (the page and its JSON)."""

from __future__ import annotations


def init_pages(app) -> None:
    """The Try the line page (editors), and its line on the staff home page."""
    from ..staff import Tile, register_pages
    from .views import bp

    register_pages(
        app,
        bp,
        Tile(20, "try", "tryline.try_line", "Try the line",
             "ring it from this page, as a caller would, with nothing stored or counted.", ability="prompts"),
    )
