"""A tried call with a staff member's own drafts: the flow with those words, and their clips
played through the signed-in staff route that renders a draft (drafts are never public)."""

from __future__ import annotations

import hashlib

from flask import url_for

from ..flow import load_flow
from ..prompts import sound, store
from ..staff.access import db


def mine(email: str) -> dict[str, dict[str, str]]:
    """{language: {prompt id: words}} of the drafts `email` saved last."""
    out: dict[str, dict[str, str]] = {}
    with db().session() as s:
        for (language, prompt_id), draft in store.drafts(s).items():
            if draft.edited_by == email:
                out.setdefault(language, {})[prompt_id] = draft.text
    return out


def flow_and_audio(app, drafts: dict[str, dict[str, str]]):
    """(flow with the published words and these drafts, the audio lookup for it, a draft clip lookup).

    Raises FlowError when the drafts would break the line (as publishing would refuse them).
    """
    config = app.config
    with db().session() as s:
        words = store.published_texts(s)
        recordings = store.published_recordings(s)
    for language, table in drafts.items():
        words.setdefault(language, {}).update(table)
    flow = load_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), words)
    audio = sound.lookup(app, flow, {(p, lang): f"{d}.wav" for (p, lang), d in recordings.items()})
    public = config["IVR_PUBLIC_URL"].rstrip("/")
    playable = audio is not None and sound.can_render(app)

    def draft_clip(prompt_id, language, slow):
        # The staff route renders a draft at the normal speed only: slower speech is said as text.
        if not playable or slow:
            return None
        words = drafts[language][prompt_id].encode()
        version = hashlib.sha256(words).hexdigest()[:12]  # new words, new URL: no stale clip from a cache
        return public + url_for("prompts.prompt_draft_audio", language=language, prompt_id=prompt_id, v=version)

    return flow, audio, draft_clip
