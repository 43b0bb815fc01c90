"""What callers hear, as staff change it: drafts, publishing, versions and rollbacks,
recordings, and what callers hear now (the store the live line reads).

models (the tables), store (drafts, versions, the live-state serial), publish (checks
and renders before anything goes live), sound (the bridge to ivr.audio), published
(what callers hear now, for the commands), textcheck (checks of one prompt's words),
export, diagram (the call tree drawn), approval (safety words a second person approves); the pages: views
(prompts), recording_views, approval_views,
diagram_views; cli (`ivr staff export-prompts`, `ivr diagram`).
"""

from __future__ import annotations


def init_pages(app) -> None:
    """The Prompts pages, recordings and the call tree diagram, and their lines on the staff home page."""
    from ..staff import Tile, register_pages
    from . import diagram_views, recording_views  # noqa: F401  (their views are on the prompts blueprint)
    from .approval_views import waiting_count
    from .views import bp

    register_pages(
        app,
        bp,
        Tile(10, "prompts", "prompts.prompts", "Prompts",
             "change what the line says, hear it, publish it, roll it back, upload recordings.", ability="prompts"),
        Tile(11, "approvals", "prompts.approvals", "Words waiting for approval",
             "safety words a second editor or admin approves before callers hear them.", ability="prompts",
             counts=waiting_count, nav=False),
        Tile(40, "tree", "prompts.call_tree", "Call tree", "the line drawn as a picture."),
    )
