"""The "Try the line" page and the JSON it rings the line with (editors and admins)."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import audit
from ..errors import FlowError
from ..prompts import diagram
from ..staff import staff_blueprint
from ..staff.access import db, requires
from . import drafts, guard, runner, saved
from .models import TestCall

bp = staff_blueprint("tryline", __name__)

bp.record_once(lambda state: guard.register(state.app))  # saved test calls guard every publish


def _flow():
    return current_app.extensions["ivr.line"]().flow


@bp.get("/try")
@requires("prompts")
def try_line():
    """Ring the line from the browser: keypad, words said, switches, the call tree beside it."""
    flow = _flow()
    try:
        picture = Markup(diagram.inline_svg(flow))
    except diagram.DiagramError:  # graphviz-pure missing or failing: the page works without the picture
        picture = None
    mine = drafts.mine(current_user.email)
    return render_template(
        "tryline/try_line.html",
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
        return jsonify(
            {"error": "The call tree with your drafts fails its checks, so it cannot be tried: " + str(exc)}
        ), 400
    answer = result.as_dict()
    # Staff read what a step is, not only its id: "Guidance: protection".
    place = saved.place_namer(_flow())
    answer["places"] = {e.node: place(e.node) for e in result.events if e.node}
    return jsonify(answer)


@bp.post("/try/save")
@requires("prompts")
def try_save():
    """JSON: keep the call as a test, named, with what the live line answers to it."""
    data = request.get_json(silent=True) or {}
    name = " ".join(str(data.get("name", "")).split())
    if not name:
        return jsonify({"error": "Enter a name for the test call"}), 400
    if len(name) > saved.MAX_NAME:
        return jsonify({"error": f"The name must be {saved.MAX_NAME} characters or fewer"}), 400
    try:
        switches = runner.Switches.from_dict(data.get("switches"), _flow())
        inputs = runner.clean_inputs(data.get("inputs", []))
        with db().session() as s:
            call = saved.save(s, name, switches, inputs, current_user.email)
            audit.record(s, "test_call.save", f"{name}: {saved.describe_inputs(inputs)}")
            call_id = call.id
    except runner.TryError as exc:
        return jsonify({"error": str(exc)}), 400
    except saved.NameTaken:
        return jsonify({"error": f"There is already a test call named {name}: choose another name"}), 409
    return jsonify({"id": call_id, "name": name, "list": url_for("tryline.try_tests")}), 201


@bp.get("/try/tests")
@requires("prompts")
def try_tests():
    """The saved test calls: replay, accept, delete."""
    with db().session() as s:
        rows = [(c, saved.describe_inputs(json.loads(c.inputs)), json.loads(c.switches)) for c in saved.all_calls(s)]
    return render_template("tryline/try_tests.html", rows=rows)


def _call_or_404(s, call_id: int) -> TestCall:
    call = s.get(TestCall, call_id)
    if call is None:
        abort(404)
    return call


@bp.post("/try/tests/<int:call_id>/replay")
@requires("prompts")
def try_test_replay(call_id):
    """Ring a saved test call again against the live line and show what differs."""
    with db().session() as s:
        call = _call_or_404(s, call_id)
        result = saved.replay(call)
        s.expunge(call)
    return render_template("tryline/try_test.html", replay=result, describe=saved.describe_inputs(result.inputs))


@bp.post("/try/tests/<int:call_id>/accept")
@requires("prompts")
def try_test_accept(call_id):
    """Accept what the call answers now as what the test expects (replayed again here, not trusted from the form)."""
    with db().session() as s:
        call = _call_or_404(s, call_id)
        result = saved.replay(call)
        if result.error:
            flash(f"Test call {call.name} could not be replayed: {result.error}", "error")
            return redirect(url_for("tryline.try_tests"))
        saved.accept(call, result.outcome, current_user.email)
        audit.record(s, "test_call.accept", call.name)
        name = call.name
    flash(f"Test call {name} now expects what the line answers today.", "success")
    return redirect(url_for("tryline.try_tests"))


@bp.post("/try/tests/<int:call_id>/delete")
@requires("prompts")
def try_test_delete(call_id):
    """Delete a saved test call."""
    with db().session() as s:
        call = _call_or_404(s, call_id)
        name = call.name
        s.delete(call)
        audit.record(s, "test_call.delete", name)
    flash(f"Test call {name} deleted.", "success")
    return redirect(url_for("tryline.try_tests"))
