"""The "Try the line" page and the JSON it rings the line with (editors and admins)."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_login import current_user
from markupsafe import Markup

from ...errors import FlowError
from .. import bp, diagram
from ..access import requires
from . import drafts, runner


def _flow():
    return current_app.extensions["ivr.line"]().flow


@bp.get("/try")
@requires("prompts")
def try_line():
    """Ring the line from the browser: keypad, words said, switches, the call tree beside it."""
    flow = _flow()
    try:
        picture = Markup(diagram.inline_svg(flow))
    except Exception:  # no Graphviz on this server: the page works without the picture
        picture = None
    mine = drafts.mine(current_user.email)
    return render_template(
        "admin/try_line.html",
        flow=flow,
        picture=picture,
        draft_count=sum(len(t) for t in mine.values()),
    )


@bp.post("/try/run")
@requires("prompts")
def try_run():
    """JSON: ring the line with these switches and inputs; what it said, where the call is, what it waits for."""
    data = request.get_json(silent=True) or {}
    try:
        switches = runner.Switches.from_dict(data.get("switches"), _flow())
        inputs = runner.clean_inputs(data.get("inputs", []))
        mine = drafts.mine(current_user.email) if switches.words == "drafts" else None
        result = runner.run(switches, inputs, mine)
    except runner.TryError as exc:
        return jsonify({"error": str(exc)}), 400
    except FlowError as exc:
        return jsonify({"error": "Your drafts would break the line, so they cannot be tried: " + str(exc)}), 400
    return jsonify(result.as_dict())
