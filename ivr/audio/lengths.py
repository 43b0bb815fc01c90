"""How long callers listen before they can choose, measured on the rendered clips (normal speed):
each language's part of the greeting, and every stretch of guidance (a chain of guidance nodes, or
a callback's introduction) up to its menu. `ivr check` estimates the same at 150 words a minute;
this is the sound itself, pauses included."""

from __future__ import annotations

from dataclasses import dataclass

import soundfile as sf

from ..flow import model
from ..flow.wording import MAX_GREETING_SECONDS, MAX_STRETCH_SECONDS, guidance_stretch
from .clips import Recordings, flow_clips, playable
from .store import AudioStore


@dataclass(frozen=True)
class Stretch:
    what: str  # "greeting" or the node id the stretch starts at
    language: str
    prompts: tuple[str, ...]
    seconds: float | None  # None: some clip is not rendered
    limit: int

    @property
    def too_long(self) -> bool:
        return self.seconds is not None and self.seconds > self.limit


def greeting_prompts(flow: model.Flow, language: str) -> tuple[str, ...]:
    """What a caller hears of the greeting in `language`: the first language's words, and each
    choice into `language` said before its key."""
    node = flow.nodes.get(flow.settings.entry)
    if not isinstance(node, model.LanguageMenu):
        return ()
    said = list(node.prompts) if language == flow.settings.default_language else []
    for choice in node.choices:
        if choice.language == language:
            said += [choice.prompt, model.press_prompt(choice.key)]
    return tuple(said)


def stretch_heads(flow: model.Flow) -> list[model.Node]:
    nexts = {n.next for n in flow.nodes.values() if isinstance(n, model.Guidance)}
    return [
        n
        for n in flow.nodes.values()
        if isinstance(n, model.Callback) or (isinstance(n, model.Guidance) and n.id not in nexts)
    ]


def measure(flow: model.Flow, store: AudioStore, engine: str, recordings: Recordings | None = None) -> list[Stretch]:
    """The greeting per language, then every stretch of guidance, longest first."""
    manifest = store.manifest()
    clips = {(c.prompt_id, c.language): c for c in flow_clips(flow, engine) if not c.slow}

    def seconds(prompt_ids, language) -> float | None:
        total = 0.0
        for prompt_id in prompt_ids:
            clip = clips.get((prompt_id, language))
            name = playable(clip, store, manifest, recordings)[0] if clip else None
            if name is None:
                return None
            total += sf.info(store.path(name)).duration
        return total

    languages = list(flow.settings.languages)
    out = []
    for language in languages:
        said = greeting_prompts(flow, language)
        if said:
            out.append(Stretch("greeting", language, said, seconds(said, language), MAX_GREETING_SECONDS))
    stretches = []
    for node in stretch_heads(flow):
        for language in languages:
            _, path = guidance_stretch(flow, node.id, language)
            said = tuple(p for node_id in path for p in flow.nodes[node_id].prompts)
            stretches.append(Stretch(node.id, language, said, seconds(said, language), MAX_STRETCH_SECONDS))
    stretches.sort(key=lambda s: -(s.seconds or 0))
    return out + stretches
