"""`ivr prompts render` as a plain function: render what is missing, check it, keep it, clean up.

Only clips whose file is absent are rendered (the name is the hash of what
shapes the sound, so an unchanged prompt is never rendered twice). A prompt
espeak-ng cannot say is reported by prompt and language; its previous audio
stays on disk and in use. Files no clip of the flow references are removed.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..flow.model import Flow
from .clips import Clip, flow_clips
from .store import AudioStore
from .synth import SpeechError, Synthesizer, engine_version, render_in_worker, unsayable

# Below this many clips a second process costs more (start-up, imports) than it saves.
PARALLEL_FROM = 40


@dataclass
class RenderReport:
    rendered: list[Clip] = field(default_factory=list)
    present: int = 0
    failed: list[tuple[Clip, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 1

    def messages(self) -> list[str]:
        return [f"prompt {c.prompt_id!r} ({c.language}{', slow' if c.slow else ''}): {why}" for c, why in self.failed]


def default_workers(jobs: int) -> int:
    if jobs < PARALLEL_FROM:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def render_flow(
    flow: Flow,
    store: AudioStore,
    workers: int | None = None,
    clean: bool = True,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RenderReport:
    """Render every missing clip of `flow` into `store`; never raises for a bad prompt, reports it."""
    started = time.perf_counter()
    engine = engine_version()
    clips = flow_clips(flow, engine)
    report = RenderReport()
    by_name: dict[str, list[Clip]] = {}
    for clip in clips:
        by_name.setdefault(clip.name, []).append(clip)
    todo = {}
    for name, group in by_name.items():
        if store.has(name):
            report.present += 1
            continue
        reason = unsayable(group[0].spec.text)
        if reason:
            report.failed += [(c, reason) for c in group]
        else:
            todo[name] = group
    report.workers = workers or default_workers(len(todo))
    if on_start:
        on_start(len(todo))
    for name, outcome in _synthesise(todo, report.workers):
        group = todo[name]
        if isinstance(outcome, bytes):
            store.write(name, outcome)
            report.rendered += group
        else:
            report.failed += [(c, outcome) for c in group]
        if progress:
            progress(1)
    _remember(store, clips, report)
    if clean:
        keep = {c.name for c in clips} | set(store.manifest()["good"].values())
        report.removed = store.remove_orphans(keep)
    report.seconds = time.perf_counter() - started
    return report


def _synthesise(todo: dict[str, list[Clip]], workers: int):
    """(name, WAV bytes or the reason it failed) for each clip, as they finish."""
    if not todo:
        return
    if workers <= 1:
        synthesizer = Synthesizer()
        for name, group in todo.items():
            try:
                yield name, synthesizer.render(group[0].spec)
            except SpeechError as exc:
                yield name, str(exc)
        return
    # spawn, not fork: the caller may be a server holding threads and sockets
    context = multiprocessing.get_context("spawn")
    with futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {pool.submit(render_in_worker, group[0].spec): name for name, group in todo.items()}
        for future in futures.as_completed(pending):
            try:
                yield pending[future], future.result()
            except SpeechError as exc:
                yield pending[future], str(exc)
            except futures.process.BrokenProcessPool as exc:
                yield pending[future], f"the speech process died ({exc})"


def _remember(store: AudioStore, clips: list[Clip], report: RenderReport) -> None:
    """Record the last good clip per prompt and the texts that failed (so their previous audio stays)."""
    manifest = store.manifest()
    failed_names = {c.name for c, _ in report.failed}
    for clip in clips:
        if clip.name not in failed_names and store.has(clip.name):
            manifest["good"][clip.key] = clip.name
    manifest["failed"] = {c.name: why for c, why in report.failed}
    current = {c.key for c in clips}
    manifest["good"] = {k: v for k, v in manifest["good"].items() if k in current}
    store.save_manifest(manifest)
