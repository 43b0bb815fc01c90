"""Audio warnings for `ivr check` in IVR_SPEECH=play: prompts espeak-ng cannot say, clips not rendered.

Kept out of ivr.flow.checks, which stays pure (no files, no speech engine).
Each warning points at the prompt's line in prompts/<language>.yaml.
"""

from __future__ import annotations

from pathlib import Path

from ..flow.loader import read_prompts
from ..flow.model import Flow
from ..flow.yamlfile import Problem
from .clips import base_prompt, flow_clips, playable
from .store import AudioStore
from .synth import SpeechError, engine_version, spoken, unsayable


def audio_problems(flow: Flow, store: AudioStore, prompt_dir: str | Path, recordings=None) -> list[Problem]:
    """Warnings (never errors: a missing clip is said with <Say>) about the audio of `flow`."""
    _, _, lines = read_prompts(Path(prompt_dir), list(flow.settings.languages), Path.cwd())

    def where(prompt_id: str, language: str) -> tuple[str, int]:
        return lines.get((language, prompt_id), (f"{prompt_dir}/{language}.yaml", 1))

    problems = []
    for language, table in flow.prompts.texts.items():
        for prompt_id, text in sorted(table.items()):
            reason = unsayable(spoken(text))
            if reason:
                file, line = where(prompt_id, language)
                problems.append(
                    Problem(file, line, f"prompt {prompt_id!r} ({language}) cannot be rendered: {reason}", "warning")
                )
    try:
        engine = engine_version()
    except SpeechError as exc:
        return problems + [Problem(str(store.root), 1, f"no audio can be rendered: {exc}", "warning")]
    manifest = store.manifest()
    missing: dict[tuple[str, str], str] = {}
    clips = flow_clips(flow, engine)
    for clip in clips:
        _, status = playable(clip, store, manifest, recordings)
        pair = (base_prompt(clip.prompt_id), clip.language)
        if status in ("missing", "stale", "previous") and pair not in missing:
            missing[pair] = status
    pairs = {(base_prompt(c.prompt_id), c.language) for c in clips}
    if missing and len(missing) == len(pairs) and set(missing.values()) == {"missing"}:
        message = f"no prompt has audio in {store.root} yet, so all will be said with <Say>; run `ivr prompts render`"
        return problems + [Problem(str(store.root), 1, message, "warning")]
    for (prompt_id, language), status in sorted(missing.items()):
        file, line = where(prompt_id, language)
        said = "plays its previous audio" if status == "previous" else "will be said with <Say>"
        problems.append(
            Problem(
                file,
                line,
                f"prompt {prompt_id!r} ({language}) has no {'current ' if status != 'missing' else ''}audio and {said}; run `ivr prompts render`",
                "warning",
            )
        )
    return problems
