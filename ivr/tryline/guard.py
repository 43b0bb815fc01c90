"""Saved test calls guard every publish: each is rung against the flow and words about to
be published, and a call that would end somewhere else, go silent or stop reaching a
person is a problem (one an admin may confirm). Plugged into the publish checks
(`app.extensions["ivr.publish.checks"]`)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import audit
from ..staff.access import db
from . import saved


@dataclass(frozen=True)
class TestCallProblem:
    """A saved test call that the new words or tree break."""

    __test__ = False

    name: str
    message: str
    overridable: bool = True

    def __str__(self) -> str:
        return f"Saved test call {self.name!r}: {self.message}"


def replays_for(flow) -> list[saved.Replay]:
    """Every saved test call, rung against `flow`."""
    with db().session() as s:
        calls = saved.all_calls(s)
        for call in calls:
            s.expunge(call)
    return [saved.replay(call, flow=flow) for call in calls]


def check_saved_calls(candidate) -> list[TestCallProblem]:
    """The publish check: blocking differences of every saved test call against the candidate's flow."""
    flow = getattr(candidate, "flow", candidate)
    problems = []
    for replay in replays_for(flow):
        for difference in replay.blocking:
            problems.append(TestCallProblem(replay.call.name, difference.message))
    return problems


def accept_published(flow) -> list[str]:
    """After a publish: staff accepted the change, so every saved call now expects what it answers
    with the published words (and tree). Returns the names of the calls whose answer changed."""
    changed = []
    with db().session() as s:
        for call in saved.all_calls(s):
            replay = saved.replay(call, flow=flow)
            if replay.differences and not replay.error:
                saved.accept(call, replay.outcome, "publish")
                changed.append(call.name)
        if changed:
            audit.record(s, "test_call.accept", "after a publish: " + ", ".join(changed))
    return changed


def register(app) -> None:
    checks = app.extensions.setdefault("ivr.publish.checks", [])
    if check_saved_calls not in checks:
        checks.append(check_saved_calls)
    published = app.extensions.setdefault("ivr.publish.published", [])
    if accept_published not in published:
        published.append(accept_published)
