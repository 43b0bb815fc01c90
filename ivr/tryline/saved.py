"""Saved test calls: kept, listed, replayed (against the live line or a flow about to be
published), compared with what they answered when saved, accepted, deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..flow import tree
from . import runner
from .models import TestCall, utcnow
from .outcome import Difference, Outcome, compare

MAX_NAME = 120


class NameTaken(Exception):
    pass


@dataclass
class Replay:
    """One saved call replayed: what it answers now, and what differs from what it answered."""

    call: TestCall
    inputs: list[str]
    outcome: Outcome
    differences: list[Difference]
    error: str = ""

    @property
    def blocking(self) -> list[Difference]:
        return [d for d in self.differences if d.blocking]


def switches_of(call: TestCall, flow) -> runner.Switches:
    data = json.loads(call.switches)
    data["words"] = "live"  # a saved call checks the words it is replayed with, never someone's drafts
    return runner.Switches.from_dict(data, flow)


def live_flow():
    return current_app.extensions["ivr.line"]().flow


def expected_for(switches: runner.Switches, inputs: list[str], flow=None) -> Outcome:
    """What the line answers to this call: with `flow`, or the live flow and words.

    Always rung with the flow's words as text (not clips), so a saved answer, a replay and a
    publish check compare like with like whatever audio a server has.
    """
    live = runner.Switches(switches.hours, switches.language, switches.more_time, switches.transfer, "live")
    return Outcome.of(runner.run(live, inputs, flow=flow or live_flow()))


def all_calls(session) -> list[TestCall]:
    return list(session.scalars(select(TestCall).order_by(TestCall.name)))


def save(session, name: str, switches: runner.Switches, inputs: list[str], by: str) -> TestCall:
    """Keep a call as a test, with what the live line answers to it now."""
    expected = expected_for(switches, inputs)
    data = {
        "hours": switches.hours,
        "language": switches.language,
        "more_time": switches.more_time,
        "transfer": switches.transfer,
    }
    call = TestCall(
        name=name,
        switches=json.dumps(data),
        inputs=json.dumps(inputs),
        expected=expected.to_json(),
        created_by=by,
        updated_by=by,
    )
    session.add(call)
    try:
        session.flush()
    except IntegrityError as exc:
        raise NameTaken(name) from exc
    return call


def replay(call: TestCall, flow=None) -> Replay:
    """Ring the saved call again (against `flow`, or the live flow) and compare it with what it answered."""
    inputs = json.loads(call.inputs)
    saved = Outcome.from_json(call.expected)
    flow = flow or live_flow()
    try:
        switches = switches_of(call, flow)
        now = Outcome.of(runner.run(switches, inputs, flow=flow))
    except runner.TryError as exc:
        return Replay(call, inputs, saved, [Difference("error", str(exc), True)], str(exc))
    return Replay(call, inputs, now, compare(saved, now, len(inputs), place_namer(flow)))


def place_namer(flow):
    """Node id -> "Guidance: protection", as the Try page names the step the caller is at."""

    def place(node_id: str) -> str:
        node = flow.nodes.get(node_id)
        return f"{tree.KIND_NAMES.get(node.kind, node.kind)}: {node_id}" if node is not None else node_id or "the start"

    return place


def accept(call: TestCall, outcome: Outcome, by: str) -> None:
    """Staff accept what the call answers now: it becomes what the test expects."""
    call.expected = outcome.to_json()
    call.updated_by = by
    call.updated_at = utcnow()


def describe_inputs(inputs: list[str]) -> str:
    """'1, (silence), 4, says "call me back"' for staff."""
    words = []
    for item in inputs:
        if item == "s":
            words.append("(silence)")
        elif item.startswith("say:"):
            words.append(f'says "{item[4:]}"')
        else:
            words.append(item)
    return ", ".join(words) or "(no keys: the greeting only)"
