"""Publishing words: check them, render their clips, store them, then switch every server.

The order is the point: callers are switched to new words only after every clip
those words need exists (both speeds, the edited language), so a caller never
hears a `<Say>` voice in the middle of rendered clips, and the page never says
"done" before it is.

    validate  -> the editor's text checks, the whole flow's checks (everything
                 `ivr check` refuses, including the key guide naming every
                 standard key), then every plug-in check
    render    -> every missing clip of the new words (play mode)
    store     -> a new PromptVersion and the live serial bumped, in one transaction
    switch    -> this server's live line refreshed now; the others within a second

Plug-in checks (the interface other parts of the line use)
-----------------------------------------------------------
`app.extensions["ivr.publish.checks"]` is a list of callables. Each is called
as `check(candidate)` inside the publishing request (an app and request
context are active) with a `Candidate`:

    candidate.flow       the checked Flow with the words about to be published
    candidate.overrides  {language: {prompt id: text}}: every published word, with the new one
    candidate.language, candidate.prompt_id, candidate.text: the edit itself
    candidate.action     "publish" or "rollback"

and returns a list of problems (an empty list: nothing wrong). A problem is any
object whose `str()` is the message staff read; if it has a true
`overridable` attribute an admin may publish anyway by confirming on the
page (the confirmation is audited), otherwise the publish is refused. A `cause`
of "tree" says the call tree on the server, not the words, broke something. A check
that raises refuses the publish (its error is shown), so a broken check never
lets words through unchecked.
"""

from __future__ import annotations

import concurrent.futures as futures
import logging
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from flask import current_app

from ..errors import FlowError
from ..flow import load_flow
from ..flow.model import Flow
from ..staff.access import db
from . import sound, store
from .textcheck import check_text

log = logging.getLogger(__name__)
CHECKS = "ivr.publish.checks"
# Callables called as `hook(flow)` once words are live (the flow callers now hear), e.g. saved test
# calls taking the accepted words as what they expect. A hook that fails is logged: the words are live.
PUBLISHED = "ivr.publish.published"


@dataclass(frozen=True)
class Candidate:
    """The flow and words about to be published (what a plug-in check is given)."""

    flow: Flow
    overrides: dict
    language: str
    prompt_id: str
    text: str
    action: str = "publish"


@dataclass(frozen=True)
class Problem:
    """Why words cannot be published; an admin may confirm an `overridable` one."""

    message: str
    overridable: bool = False
    cause: str = ""  # "tree": the call tree on the server changed, not the words (a plug-in check may say so)

    def __str__(self) -> str:
        return self.message


class Refused(store.Refused):
    """The publish did not happen; the old words are still live."""

    def __init__(self, problems: list[Problem]):
        self.items = problems
        super().__init__([str(p) for p in problems])

    @property
    def overridable(self) -> bool:
        """Every problem is one an admin may confirm."""
        return bool(self.items) and all(p.overridable for p in self.items)


@dataclass
class Outcome:
    """What a publish did, for the page and the audit trail."""

    version_id: int
    rendered: list[str] = field(default_factory=list)  # clip names made for these words
    seconds: float = 0.0
    confirmed: list[str] = field(default_factory=list)  # problems an admin confirmed
    played: bool = True  # play mode with a working voice: callers hear clips

    def message(self) -> str:
        clips = len(self.rendered)
        done = (
            f"rendered {clips} clip{'s' if clips != 1 else ''}" if self.played else "no clips needed (said by Twilio)"
        )
        return f"Published: {done}; live on all servers from their next call."


def _normalise(found) -> list[Problem]:
    out = []
    for problem in found or []:
        if isinstance(problem, Problem):
            out.append(problem)
        else:
            out.append(Problem(str(problem), bool(getattr(problem, "overridable", False)), getattr(problem, "cause", "")))
    return out


def check(overrides: dict, language: str, prompt_id: str, text: str, action: str) -> tuple[Flow | None, list[Problem]]:
    """(the candidate flow or None, every problem): text checks, flow checks, then plug-in checks."""
    numbers = current_app.extensions["ivr.line.shipped"].flow.settings.numbers
    problems = [Problem(f"{prompt_id} ({language}): {m}") for m in check_text(text, language, numbers).errors]
    config = current_app.config
    try:
        flow = load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), overrides)
    except FlowError as exc:
        # file:line, as `ivr check` prints; a problem of the edited words already said above is not said twice
        said = {str(p).split(": ", 1)[1] for p in problems}
        flow_problems = [Problem(str(p)) for p in exc.problems if str(p).split(": ", 2)[-1] not in said]
        return None, problems + flow_problems
    if problems:
        return flow, problems
    candidate = Candidate(flow, overrides, language, prompt_id, text, action)
    for plugin in current_app.extensions.get(CHECKS, []):
        try:
            problems += _normalise(plugin(candidate))
        except Exception as exc:  # a broken check must refuse, never wave words through
            log.exception("publish check %r failed", plugin)
            problems.append(Problem(f"a publish check could not run ({exc.__class__.__name__}: {exc})"))
    return flow, problems


def plays_audio() -> bool:
    return current_app.config["IVR_SPEECH"] == "play" and sound.can_render()


def render_missing(flow: Flow, language: str, prompt_id: str) -> list[str]:
    """Render every clip of `prompt_id` spoken in `language` (both speeds) that is missing; returns their names.

    Raises Refused with the reason when one cannot be made.
    """
    from ..audio.clips import flow_clips
    from ..audio.synth import engine_version, render_in_worker, unsayable

    audio = sound.audio_store()
    wanted = {}
    for clip in flow_clips(flow, engine_version()):
        if clip.prompt_id == prompt_id and clip.spec.language == language and not sound.has_clip(clip.name):
            wanted.setdefault(clip.name, clip)
    made = []
    for name, clip in wanted.items():
        wav = sound.draft_clip(name)  # heard with Listen: already rendered, privately
        reason = None if wav is not None else unsayable(clip.spec.text)
        if wav is None and reason is None:
            try:
                wav = sound.executor().submit(render_in_worker, clip.spec).result(timeout=sound.RENDER_TIMEOUT)
            except futures.TimeoutError:
                reason = f"rendering took more than {sound.RENDER_TIMEOUT} seconds"
            except BrokenProcessPool as exc:
                sound.shutdown()
                reason = f"the speech process stopped ({exc})"
            except sound.SpeechError as exc:
                reason = str(exc)
        if reason is not None:
            speed = "more-time speed" if clip.slow else "normal speed"
            raise Refused([Problem(f"{prompt_id} ({language}, {speed}): the voice cannot say these words: {reason}")])
        sound.keep_clip(audio, name, wav)
        made.append(name)
    return made


def publish(
    language: str,
    prompt_id: str,
    text: str,
    by: str,
    action: str = "publish",
    *,
    draft_revision: int | None = None,
    confirm: bool = False,
) -> Outcome:
    """Check, render, store, switch. Raises store.Conflict (the draft changed) or Refused (nothing changed)."""
    started = time.perf_counter()
    flow, confirmed = vet(language, prompt_id, text, action, draft_revision=draft_revision, confirm=confirm)
    played = plays_audio()
    rendered = render_missing(flow, language, prompt_id) if played else []
    with db().session() as s:
        if draft_revision is not None:
            draft = _same_draft(s, language, prompt_id, draft_revision)
            s.delete(draft)
        version = store.add_version(s, language, prompt_id, text, by, action)
        from .. import audit

        detail = f"{prompt_id} ({language}) version {version.id}; rendered {len(rendered)} clip(s)"
        audit.record(s, f"prompt.{action}", detail)
        if confirmed:
            audit.record(s, f"prompt.{action}.confirmed", f"{prompt_id} ({language}): " + "; ".join(confirmed))
        version_id = version.id
    current_app.extensions["ivr.line"].refresh()
    for hook in current_app.extensions.get(PUBLISHED, []):
        try:
            hook(flow)
        except Exception:
            log.exception("after-publish hook %r failed", hook)
    return Outcome(version_id, rendered, time.perf_counter() - started, confirmed, played)


def vet(language, prompt_id, text, action="publish", *, draft_revision=None, confirm=False) -> tuple[Flow, list[str]]:
    """Every check of a publish, nothing stored: (the candidate flow, the problems an admin confirmed).
    Raises store.Conflict (the draft changed) or Refused. Also run before words wait for approval."""
    with db().session() as s:
        if draft_revision is not None:
            _same_draft(s, language, prompt_id, draft_revision)
        overrides = store.published_texts(s)
    overrides.setdefault(language, {})[prompt_id] = text
    flow, problems = check(overrides, language, prompt_id, text, action)
    if not problems:
        return flow, []
    refused = Refused(problems)
    if not (confirm and refused.overridable):
        raise refused
    return flow, [str(p) for p in problems]


def _same_draft(session, language, prompt_id, revision):
    draft = store.get_draft(session, language, prompt_id)
    if draft is None or draft.revision != revision:
        raise store.Conflict(draft)
    return draft
