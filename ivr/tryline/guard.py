"""Saved test calls guard every publish: each is rung against the flow and words about to
be published, and a call that would end somewhere else, go silent or stop reaching a
person is a problem (one an admin may confirm). Plugged into the publish checks
(`app.extensions["ivr.publish.checks"]`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .. import audit
from ..flow import tree
from ..staff.access import db
from . import saved


@dataclass(frozen=True)
class TestCallProblem:
    """A saved test call that the new words or tree break; `cause` "tree" when the call tree on the server
    changed under the running line and breaks the call without the edit too (the words are not the cause)."""

    __test__ = False

    name: str
    message: str
    overridable: bool = True
    cause: str = "words"

    def __str__(self) -> str:
        return f"Saved test call {self.name!r}: {self.message}"


def replays_for(flow) -> list[saved.Replay]:
    """Every saved test call, rung against `flow`."""
    with db().session() as s:
        calls = saved.all_calls(s)
        for call in calls:
            s.expunge(call)
    return [saved.replay(call, flow=flow) for call in calls]


TREE_CHANGED = (
    " These words are not the cause: the call tree on the server changed since this test call was saved "
    "({changes}), and the call breaks without these words too. Who can act: whoever looks after the server can "
    "put flows.yaml back; if the change is meant, an admin can publish anyway (the tree change goes live with "
    "these words) or accept what the line answers now on Try the line."
)


def _without_edit(candidate, live):
    """The candidate's tree with the words callers hear now (the edit left out), or None if it cannot load."""
    from ..errors import FlowError
    from ..flow import load_flow

    language, prompt_id = getattr(candidate, "language", None), getattr(candidate, "prompt_id", None)
    if language is None:
        return candidate  # a bare flow: no edit to leave out
    overrides = {code: dict(table) for code, table in candidate.overrides.items()}
    before = live.prompts.texts.get(language, {}).get(prompt_id)
    if before is None:
        overrides.get(language, {}).pop(prompt_id, None)
    else:
        overrides.setdefault(language, {})[prompt_id] = before
    config = current_app.config
    try:
        return load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), overrides)
    except FlowError:
        return None


def check_saved_calls(candidate) -> list[TestCallProblem]:
    """The publish check: blocking differences of every saved test call against the candidate's flow; those
    the tree on the server causes (not the edit) say so, what changed in it, and who can act."""
    flow = getattr(candidate, "flow", candidate)
    problems = []
    broken = [replay for replay in replays_for(flow) if replay.blocking]
    if not broken:
        return problems
    live = saved.live_flow()
    changes = tree.tree_changes(live, flow, saved.place_namer(flow))
    unedited = _without_edit(candidate, live) if changes else None
    tree_broken = {r.call.name for r in replays_for(unedited) if r.blocking} if unedited is not None else set()
    for replay in broken:
        cause = "tree" if replay.call.name in tree_broken else "words"
        extra = TREE_CHANGED.format(changes="; ".join(changes)) if cause == "tree" else ""
        for difference in replay.blocking:
            problems.append(TestCallProblem(replay.call.name, difference.message + extra, cause=cause))
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
