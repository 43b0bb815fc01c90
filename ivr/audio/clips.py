"""Which clips a flow needs, what each is called, and the AudioLookup TwiML plays them through.

Every prompt is rendered for every language of the line, at the normal and the
slower "more time" rate. A prompt missing in a language is said in its
fallback language (as the engine does), so it shares that language's clip.
A recording for (prompt, language) takes the place of both rates' clips.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from ..flow.model import GROUP_END, Flow, group_end
from .store import AudioStore, clip_key, valid_name
from .synth import ClipSpec, words_a_minute
from .synth import spoken as spoken_form

log = logging.getLogger(__name__)

# Silence after a clip, in milliseconds: "..., press 2." then a breath before the next choice.
PAUSE_AFTER = {"sys.press.": 400}

Recordings = Mapping[tuple[str, str], str]  # (prompt id, language) -> recording file name


# A number read back in groups ("zero seven nine one one ... one two three ... four five six"): the
# digit that ends a group is played from its own clip (model.group_end), sys.digit.N then a pause.
GROUP_PAUSE_MS = 600
GROUPED_PREFIX = "sys.digit."


def pause_after(prompt_id: str) -> int:
    if prompt_id.endswith(GROUP_END):
        return GROUP_PAUSE_MS
    return next((ms for prefix, ms in PAUSE_AFTER.items() if prompt_id.startswith(prefix)), 0)


def base_prompt(clip_id: str) -> str:
    """The prompt a clip says ("sys.digit.4" for "sys.digit.4 then a pause")."""
    return clip_id.removesuffix(GROUP_END)


@dataclass(frozen=True)
class Clip:
    prompt_id: str
    language: str  # the caller's language
    slow: bool
    spec: ClipSpec
    name: str

    @property
    def key(self) -> str:
        return clip_key(self.prompt_id, self.language, self.slow)


def prompt_ids(flow: Flow) -> list[str]:
    return sorted({pid for table in flow.prompts.texts.values() for pid in table})


def flow_clips(flow: Flow, engine: str) -> list[Clip]:
    """Every clip the line can play, in prompt order."""
    settings = flow.settings
    clips = []
    for prompt_id in prompt_ids(flow):
        for code in settings.languages:
            try:
                text = flow.prompts.text(prompt_id, code)
            except KeyError:
                continue
            spoken = flow.prompts.language_of(prompt_id, code)
            voice = settings.languages[spoken].espeak_voice if spoken in settings.languages else spoken
            ids = (prompt_id, group_end(prompt_id)) if prompt_id.startswith(GROUPED_PREFIX) else (prompt_id,)
            for clip_id in ids:
                for slow in (False, True):
                    wpm = words_a_minute(settings.rate_slow if slow else settings.rate_normal)
                    spec = ClipSpec(spoken_form(text), spoken, voice, wpm, pause_after(clip_id))
                    clips.append(Clip(clip_id, code, slow, spec, spec.name(engine)))
    return clips


def recording_name(recordings: Recordings | None, clip: Clip) -> str | None:
    if not recordings:
        return None
    if clip.prompt_id != base_prompt(clip.prompt_id):
        return None  # a recording has no pause after it: the group-end clip stays the voice's
    for language in dict.fromkeys((clip.language, clip.spec.language)):
        name = recordings.get((clip.prompt_id, language))
        if name:
            name = name.removesuffix(".wav")
            if valid_name(name):
                return name
    return None


def playable(clip: Clip, store: AudioStore, manifest: dict, recordings: Recordings | None = None):
    """(clip name to play or None, status): rendered, recorded, previous (new words failed), stale or missing."""
    recorded = recording_name(recordings, clip)
    if recorded and store.has(recorded):
        return recorded, "recorded"
    if store.has(clip.name):
        return clip.name, "rendered"
    previous = manifest["good"].get(clip.key)
    if previous and store.has(previous):
        if clip.name in manifest["failed"]:
            return previous, "previous"
        return None, "stale"
    return None, "missing"


def audio_lookup(flow: Flow, store: AudioStore, public_url: str, engine: str, recordings: Recordings | None = None):
    """An AudioLookup for TwiML: (prompt id, language, slow) -> absolute clip URL or None.

    The table is built once here, so answering a webhook never touches the disk.
    """
    base = public_url.rstrip("/") + "/audio/"
    manifest = store.manifest()
    table = {}
    clips = flow_clips(flow, engine)
    for clip in clips:
        name, status = playable(clip, store, manifest, recordings)
        if status == "previous":
            log.warning(
                "prompt %s (%s): its new words could not be rendered; playing its previous audio",
                clip.prompt_id,
                clip.language,
            )
        if name:
            table[(clip.prompt_id, clip.language, clip.slow)] = f"{base}{name}.wav"
    missing = sum(1 for c in clips if (c.prompt_id, c.language, c.slow) not in table)
    if missing:
        log.warning(
            "%d clip(s) have no audio in %s and will be said with <Say>; run `ivr prompts render`", missing, store.root
        )

    def lookup(prompt_id: str, language: str, slow: bool) -> str | None:
        return table.get((prompt_id, language, bool(slow)))

    lookup.table = table
    # name -> (prompt id, language): what a clip says, for `ivr call` (GET /audio/<name>.txt)
    lookup.names = {url.rsplit("/", 1)[1].removesuffix(".wav"): (p, lang) for (p, lang, _), url in table.items()}
    return lookup
