"""`ivr prompts ...`: render the prompts to audio, list their state, hear one.

Thin click wrappers over render.render_flow, clips.playable and synth.Synthesizer.
Exit codes: 0 fine, 1 problems found (a prompt that could not be rendered).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from ..audio.clips import base_prompt, flow_clips, playable, prompt_ids
from ..audio.render import RenderReport, render_flow
from ..audio.store import AudioStore
from ..audio.synth import SpeechError, Synthesizer, engine_version
from ..instance import settings
from . import published


def load(config: dict, overrides: dict | None = None):
    """The flow's words (`overrides`: the published ones over the files). Only unreadable files stop us:
    the tree's own checks are `ivr check`'s business, and staff may render and hear prompts while a tree
    is being fixed."""
    from ..flow import read_flow

    try:
        flow, problems, _ = read_flow(config["IVR_FLOW"], config.get("IVR_PROMPTS"), overrides)
    except OSError as exc:
        raise click.ClickException(f"cannot read the call tree: {exc}") from exc
    if flow is None:
        raise click.ClickException("the call tree cannot be read; run `ivr check`:\n" + "\n".join(map(str, problems)))
    return flow


def render_with_progress(flow, store: AudioStore, workers=None, clean=True) -> RenderReport:
    """render_flow with a progress bar on a terminal (and a plain count elsewhere)."""
    bar = None

    def start(count):
        nonlocal bar
        if count:
            click.echo(f"rendering {count} clip(s) into {store.root} ...", err=True)
            if sys.stderr.isatty():  # elsewhere (a log, a pipe) a bar is only noise
                bar = click.progressbar(length=count, label="prompts", file=sys.stderr)
                bar.__enter__()

    try:
        report = render_flow(flow, store, workers, clean, progress=lambda n: bar and bar.update(n), on_start=start)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    return report


def prepare_audio(config: dict, flow) -> None:
    """Before `ivr serve` in play mode: render whatever is missing, so a fresh machine plays audio."""
    try:
        report = render_with_progress(flow, AudioStore(config["IVR_AUDIO_DIR"]), clean=False)
    except SpeechError as exc:
        click.echo(f"ivr serve: no audio ({exc}); prompts will be said with <Say>", err=True)
        return
    if report.rendered:
        files = len({clip.name for clip in report.rendered})
        click.echo(f"rendered {files} clip(s) in {report.seconds:.1f} s", err=True)
    for message in report.messages():
        click.echo(f"warning: {message}; it will be said with <Say> or its previous audio", err=True)


@click.group()
def prompts():
    """The spoken prompts as audio files (IVR_AUDIO_DIR)."""


@prompts.command()
@click.option("--workers", type=click.IntRange(1, 16), help="Speech processes (default: 2 for a big job, else 1).")
@click.option("--keep-orphans", is_flag=True, help="Do not delete clips no prompt uses any more.")
def render(workers, keep_orphans):
    """Render every prompt missing audio (the words callers hear: published over the files), in every
    language, at normal and slow speed; clips of published words are shared through the database."""
    config = settings()
    live = published.read(config)
    click.echo(f"words: {live.source}", err=True)
    flow = load(config, live.overrides)
    store = AudioStore(config["IVR_AUDIO_DIR"])
    try:
        clips = flow_clips(flow, engine_version())
        published.fetch_clips(config, {c.name for c in clips}, store)
        report = render_with_progress(flow, store, workers, clean=not keep_orphans)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc
    edited = {(pid, code) for code, table in live.texts.items() for pid in table}
    published.keep_clips(config, {c.name for c in clips if (c.prompt_id, c.spec.language) in edited}, store)
    for message in report.messages():
        click.echo(f"error: {message}", err=True)
    click.echo(
        f"{len(report.rendered)} rendered, {report.present} already there, {len(report.failed)} failed, "
        f"{len(report.removed)} unused removed, in {report.seconds:.1f} s ({report.workers} process(es)); "
        f"audio in {store.root}"
    )
    if report.failed:
        click.echo("Clips that failed keep their previous audio, or are said with <Say> until fixed.", err=True)
        sys.exit(1)


def prompt_statuses(flow, store: AudioStore, recordings=None) -> dict[str, dict[str, str]]:
    """prompt id -> language -> 'rendered' / 'recorded' / 'previous' / 'stale' / 'missing' (worst of both speeds)."""
    order = ("missing", "stale", "previous", "rendered", "recorded")
    manifest = store.manifest()
    table: dict[str, dict[str, str]] = {}
    for clip in flow_clips(flow, engine_version()):
        _, status = playable(clip, store, manifest, recordings)
        row = table.setdefault(base_prompt(clip.prompt_id), {})
        previous = row.get(clip.language)
        row[clip.language] = status if previous is None else min(previous, status, key=order.index)
    return table


@prompts.command("list")
def list_prompts():
    """Each prompt callers hear (published words over the files), its languages, and whether each is
    rendered, recorded, missing or stale."""
    config = settings()
    live = published.read(config)
    flow = load(config, live.overrides)
    store = AudioStore(config["IVR_AUDIO_DIR"])
    try:
        published.fetch_clips(config, {c.name for c in flow_clips(flow, engine_version())}, store)
        table = prompt_statuses(flow, store, live.recordings)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc
    languages = list(flow.settings.languages)
    width = max(len(p) for p in prompt_ids(flow))
    click.echo(f"{'prompt':<{width}}  " + "  ".join(f"{code:<9}" for code in languages))
    counts: dict[str, int] = {}
    for prompt_id in prompt_ids(flow):
        row = table.get(prompt_id, {})
        cells = [row.get(code, "-") for code in languages]
        for cell in cells:
            counts[cell] = counts.get(cell, 0) + 1
        click.echo(f"{prompt_id:<{width}}  " + "  ".join(f"{cell:<9}" for cell in cells))
    click.echo(
        ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        + f"; audio in {store.root}; words from {live.source}"
    )
    stale = live.stale_translations(flow.settings.default_language, languages)
    stale = sorted((p, code) for p, code in stale if p in flow.prompts.texts.get(code, {}))
    if stale:
        click.echo(f"English changed since this translation ({len(stale)}), until it is updated or confirmed:")
        for prompt_id, code in stale:
            click.echo(f"  {prompt_id} ({code})")


@prompts.command()
@click.argument("prompt_id")
@click.option("--lang", "language", help="Language code (default: the line's default language).")
@click.option("--slow", is_flag=True, help="The slower speech for callers who asked for more time.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the WAV here.")
def say(prompt_id, language, slow, output):
    """Hear one prompt as callers hear it (or write it as a WAV where there is no sound device)."""
    config = settings()
    live = published.read(config)
    flow = load(config, live.overrides)
    language = language or flow.settings.default_language
    if language not in flow.settings.languages:
        raise click.UsageError(f"--lang {language!r} is not one of {', '.join(flow.settings.languages)}")
    store = AudioStore(config["IVR_AUDIO_DIR"])
    try:
        clips = [c for c in flow_clips(flow, engine_version()) if c.prompt_id == prompt_id]
        clip = next((c for c in clips if c.language == language and c.slow == slow), None)
        if clip is None:
            raise click.UsageError(f"no prompt {prompt_id!r} in {language}; `ivr prompts list` shows them all")
        published.fetch_clips(config, {clip.name}, store)
        name, _ = playable(clip, store, store.manifest(), live.recordings)
        wav = store.path(name).read_bytes() if name else Synthesizer().render(clip.spec)
    except SpeechError as exc:
        raise click.ClickException(f"prompt {prompt_id!r} ({language}): {exc}") from exc
    click.echo(flow.prompts.text(prompt_id, language))
    if output is None:
        if play(wav):
            return
        output = Path(f"{prompt_id}.{language}{'.slow' if slow else ''}.wav")
        click.echo("no sound device to play it on", err=True)
    output.write_bytes(wav)
    click.echo(f"wrote {output.resolve()}")


@prompts.command("lengths")
def lengths():
    """Seconds callers listen before they can choose, measured on the rendered clips at normal speed:
    each language's part of the greeting (at most 15 s) and every stretch of guidance (at most 30 s),
    longest first. Exit 1 when one is over its limit or not rendered (`ivr prompts render` first)."""
    from ..audio.lengths import measure

    config = settings()
    live = published.read(config)
    flow = load(config, live.overrides)
    store = AudioStore(config["IVR_AUDIO_DIR"])
    try:
        engine = engine_version()
        published.fetch_clips(config, {c.name for c in flow_clips(flow, engine)}, store)
    except SpeechError as exc:
        raise click.ClickException(str(exc)) from exc
    bad = 0
    for stretch in measure(flow, store, engine, live.recordings):
        if stretch.seconds is None:
            bad += 1
            shown = "not rendered: run `ivr prompts render`"
        else:
            shown = f"{stretch.seconds:5.1f} s" + (f"  over {stretch.limit} s" if stretch.too_long else "")
            bad += stretch.too_long
        click.echo(f"{stretch.what:24} {stretch.language}  {shown}  ({', '.join(stretch.prompts)})")
    if bad:
        sys.exit(1)


def play(wav: bytes) -> bool:
    """Play WAV bytes with sox's `play` or ALSA's `aplay`; False when neither can reach a sound device."""
    for command in (["play", "-q", "-t", "wav", "-"], ["aplay", "-q", "-"]):
        if shutil.which(command[0]) is None:
            continue
        try:
            done = subprocess.run(command, input=wav, capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return True
    return False


def audio_warnings(flow, prompt_dir, recordings=None) -> list:
    """`ivr check`'s audio warnings, when the line plays audio (IVR_SPEECH=play)."""
    from ..audio.checks import audio_problems

    config = settings()
    if config["IVR_SPEECH"] != "play":
        return []
    store = AudioStore(config["IVR_AUDIO_DIR"])
    try:
        published.fetch_clips(config, {c.name for c in flow_clips(flow, engine_version())}, store)
    except SpeechError:
        pass  # audio_problems says so
    return audio_problems(flow, store, prompt_dir, recordings)
