"""The call tree diagram page (any signed-in staff member)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import login_required
from markupsafe import Markup

from ..flow import tree
from . import diagram
from .views import bp


@bp.get("/diagram")
@login_required
def call_tree():
    """The call tree drawn as a picture, with a text outline for screen readers."""
    flow = current_app.extensions["ivr.line"]().flow
    try:
        picture = Markup(diagram.inline_svg(flow))
        problem = ""
    except diagram.DiagramError as exc:  # graphviz-pure missing or failing: the list below still says it all
        picture, problem = None, f"The diagram cannot be drawn on this server: {exc}"
    return render_template("prompts/diagram.html", picture=picture, problem=problem, outline=tree.walk(flow), flow=flow)
