"""Benchmark the prompt audio: full render, re-render after one edit, bytes per second, 8 kHz vs native size.

Run:  .venv/bin/python bench/audio.py [--flow flows.yaml] [--sample 40]

Renders the shipped prompts (every language, normal and slow) into temporary
folders, once with one speech process and once with two, then edits one
prompt and renders again. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr.audio.clips import flow_clips  # noqa: E402
from ivr.audio.render import render_flow  # noqa: E402
from ivr.audio.store import AudioStore  # noqa: E402
from ivr.audio.synth import Synthesizer, engine_version, telephony_wav  # noqa: E402
from ivr.flow import read_flow  # noqa: E402


def load(flow_path: Path, overrides=None):
    flow, problems, _ = read_flow(flow_path, None, overrides)
    if flow is None:
        sys.exit("the flow cannot be read:\n" + "\n".join(map(str, problems)))
    return flow


def full_render(flow, folder: Path, workers: int):
    store = AudioStore(folder)
    report = render_flow(flow, store, workers=workers)
    return store, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flow", type=Path, default=ROOT / "flows.yaml")
    parser.add_argument("--sample", type=int, default=40, help="clips to compare against pyttsx3's native output")
    args = parser.parse_args()
    flow = load(args.flow)
    engine = engine_version()
    clips = flow_clips(flow, engine)
    unique = {c.name: c for c in clips}
    print(f"engine: {engine}; {os.cpu_count()} CPU(s)")
    print(f"prompts: {len({c.prompt_id for c in clips})} ids, {len(clips)} clips, {len(unique)} distinct to render")

    with tempfile.TemporaryDirectory(prefix="ivr-bench-audio-") as tmp:
        tmp = Path(tmp)
        for workers in (1, 2):
            store, report = full_render(flow, tmp / f"w{workers}", workers)
            print(
                f"full render, {workers} process(es): {report.seconds:6.2f} s for {len(report.rendered)} clips "
                f"({len({c.name for c in report.rendered}) / report.seconds:5.1f} files/s), {len(report.failed)} failed"
            )

        unchanged = render_flow(flow, store, workers=2)
        print(f"render again, nothing changed:  {unchanged.seconds:6.2f} s, {len(unchanged.rendered)} rendered")

        edited_id = (
            "welcome.greeting"
            if "welcome.greeting" in flow.prompts.texts["en-GB"]
            else sorted(flow.prompts.texts["en-GB"])[0]
        )
        edited = load(
            args.flow, {"en-GB": {edited_id: flow.prompts.texts["en-GB"][edited_id] + " Thank you for calling."}}
        )
        after = render_flow(edited, store, workers=None)
        print(
            f"render after editing {edited_id} (en-GB): {after.seconds:6.2f} s, {len(after.rendered)} clips rendered, "
            f"{len(after.removed)} old clips removed"
        )

        total_bytes = total_seconds = 0.0
        for name in store.names():
            path = store.path(name)
            total_bytes += path.stat().st_size
            total_seconds += sf.info(path).duration
        print(
            f"stored audio: {total_bytes / 1e6:.1f} MB for {total_seconds / 60:.1f} min of speech = "
            f"{total_bytes / total_seconds:,.0f} bytes per second (8 kHz 16-bit mono PCM WAV)"
        )

        synth = Synthesizer()
        native_bytes = phone_bytes = 0
        started = time.perf_counter()
        sample = list(unique.values())[: args.sample]
        for clip in sample:
            samples, rate = synth.native(clip.spec)
            buffer = io.BytesIO()
            sf.write(buffer, samples, rate, format="WAV", subtype="PCM_16")  # what pyttsx3 writes: 22.05 kHz 16-bit
            native_bytes += len(buffer.getvalue())
            phone_bytes += len(telephony_wav(samples, rate, clip.spec.pause_ms))
        print(
            f"size of {len(sample)} clips: pyttsx3 native {native_bytes / 1e6:.2f} MB ({rate} Hz) vs 8 kHz "
            f"{phone_bytes / 1e6:.2f} MB = {phone_bytes / native_bytes:.0%} of native "
            f"({time.perf_counter() - started:.1f} s)"
        )


if __name__ == "__main__":
    main()
