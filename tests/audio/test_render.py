"""Rendering a small line with pyttsx3 on espeak-ng, read back with a real audio reader."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from ivr.audio.clips import audio_lookup, flow_clips
from ivr.audio.render import render_flow
from ivr.audio.store import AudioStore
from ivr.audio.synth import TELEPHONY_RATE, ClipSpec, SpeechError, Synthesizer, engine_version, loudness_dbfs

pytestmark = pytest.mark.slow
URL = "https://line.example.org"


def urls(flow, store):
    return dict(audio_lookup(flow, store, URL, engine_version()).table)


def test_every_clip_is_8khz_mono_pcm_speech_of_a_plausible_length(tiny, tmp_path):
    flow = tiny()
    store = AudioStore(tmp_path / "audio")
    report = render_flow(flow, store, workers=1)
    assert report.failed == []
    clips = flow_clips(flow, engine_version())
    assert len(clips) == 16  # 3 prompts x 2 languages x 2 speeds, and sys.digit.7 ending a group (with a pause)
    assert {c.name for c in report.rendered} == {c.name for c in clips}
    for clip in clips:
        info = sf.info(store.path(clip.name))
        assert (info.samplerate, info.channels, info.subtype) == (TELEPHONY_RATE, 1, "PCM_16")
        samples, _ = sf.read(store.path(clip.name), dtype="float32")
        assert loudness_dbfs(samples) > -35, clip
        assert 0.2 < info.duration < 4.0, (clip, info.duration)
    slow = {c.prompt_id: sf.info(store.path(c.name)).duration for c in clips if c.slow and c.language == "en-GB"}
    normal = {c.prompt_id: sf.info(store.path(c.name)).duration for c in clips if not c.slow and c.language == "en-GB"}
    assert slow["bye"] > normal["bye"] * 1.15  # the "more time" speed really is slower


def test_a_choice_clip_ends_in_a_pause(tiny, tmp_path):
    flow = tiny()
    store = AudioStore(tmp_path / "audio")
    render_flow(flow, store, workers=1)
    press = next(c for c in flow_clips(flow, engine_version()) if c.prompt_id == "sys.press.1" and not c.slow)
    samples, rate = sf.read(store.path(press.name), dtype="float32")
    assert np.max(np.abs(samples[-int(0.35 * rate) :])) < 0.01
    assert loudness_dbfs(samples[: -int(0.4 * rate)]) > -35


def test_a_digit_ending_a_group_is_the_same_words_then_a_pause(tiny, tmp_path):
    from ivr.audio.clips import GROUP_PAUSE_MS

    flow = tiny()
    store = AudioStore(tmp_path / "audio")
    render_flow(flow, store, workers=1)
    clips = {c.prompt_id: c for c in flow_clips(flow, engine_version()) if not c.slow and c.language == "en-GB"}
    plain, grouped = clips["sys.digit.7"], clips["sys.digit.7 then a pause"]
    assert grouped.spec.text == plain.spec.text and grouped.spec.pause_ms == GROUP_PAUSE_MS
    samples, rate = sf.read(store.path(grouped.name), dtype="float32")
    assert np.max(np.abs(samples[-int(0.55 * rate) :])) < 0.01  # the pause between groups
    extra = sf.info(store.path(grouped.name)).duration - sf.info(store.path(plain.name)).duration
    assert abs(extra - GROUP_PAUSE_MS / 1000) < 0.15


def test_an_unchanged_line_is_not_rendered_again(tiny, tmp_path):
    store = AudioStore(tmp_path / "audio")
    render_flow(tiny(), store, workers=1)
    again = render_flow(tiny(), store, workers=1)
    assert (again.rendered, again.present, again.failed, again.removed) == ([], 16, [], [])


def test_the_url_changes_exactly_when_the_words_change(tiny, tmp_path):
    store = AudioStore(tmp_path / "audio")
    before_flow = tiny()
    render_flow(before_flow, store, workers=1)
    before = urls(before_flow, store)
    after_flow = tiny(words={("en-GB", "bye"): "Goodbye. Please take care of yourself."})
    report = render_flow(after_flow, store, workers=1)
    after = urls(after_flow, store)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {("bye", "en-GB", False), ("bye", "en-GB", True)}
    assert len(report.rendered) == 2
    assert len(report.removed) == 2  # the old words' clips are no longer referenced
    assert not any(store.has(before[key].rsplit("/", 1)[1][:-4]) for key in changed)


def test_two_processes_render_the_same_clips_as_one(tiny, tmp_path):
    flow = tiny()
    one, two = AudioStore(tmp_path / "one"), AudioStore(tmp_path / "two")
    render_flow(flow, one, workers=1)
    report = render_flow(flow, two, workers=2)
    assert report.workers == 2 and report.failed == []
    assert one.names() == two.names() and len(one.names()) == 16
    # espeak-ng's output is not bit-identical from one process to another (its state carries over
    # between utterances by a few milliseconds), so compare what matters: voice, speed, length.
    for name in one.names():
        assert abs(sf.info(one.path(name)).duration - sf.info(two.path(name)).duration) < 0.3


def test_each_language_has_its_own_voice_and_each_speed_its_own_rate(tmp_path):
    synth = Synthesizer()
    text = "Goodbye, and take care of yourself today."
    seconds = {}
    for voice in ("en-gb", "cy", "en-gb"):
        for wpm in (160, 120):
            wav = synth.render(ClipSpec(text, "x", voice, wpm))
            seconds.setdefault((voice, wpm), []).append(sf.info(__import__("io").BytesIO(wav)).duration)
    english, welsh = seconds[("en-gb", 160)], seconds[("cy", 160)]
    assert max(english) < min(welsh) - 0.2  # Welsh letter-to-sound rules say these English words differently
    assert min(seconds[("en-gb", 120)]) > max(english) * 1.2
    assert min(seconds[("cy", 120)]) > max(welsh) * 1.2


def test_a_voice_espeak_does_not_have_is_named():
    with pytest.raises(SpeechError, match="no voice 'xx-nowhere'"):
        Synthesizer().render(ClipSpec("Hello there.", "en-GB", "xx-nowhere", 160))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Goodbye 🙂", "slightly smiling face"),
        ("See https://www.gov.uk/victims", "web or email address"),
        ("Write to help@example.org", "web or email address"),
        ("Press # now", "number sign"),
    ],
)
def test_words_espeak_cannot_say_are_refused_and_the_previous_audio_stays(tiny, tmp_path, text, expected):
    store = AudioStore(tmp_path / "audio")
    good = tiny()
    render_flow(good, store, workers=1)
    previous = urls(good, store)[("bye", "cy-GB", False)]
    bad = tiny(words={("cy-GB", "bye"): text})
    report = render_flow(bad, store, workers=1)
    messages = report.messages()
    assert len(messages) == 2 and all(expected in m and "'bye' (cy-GB" in m for m in messages)
    assert report.rendered == [] and report.removed == []
    assert urls(bad, store)[("bye", "cy-GB", False)] == previous


def test_a_silent_or_missing_render_is_retried_once_then_refused(monkeypatch):
    synth = Synthesizer()
    spec = ClipSpec("Goodbye, and take care.", "en-GB", "en-gb", 160)
    real = synth.native
    calls = []

    def flaky(spec):
        calls.append(spec)
        if len(calls) == 1:
            return np.zeros(22050, dtype=np.float32), 22050  # what a dropped or silent file looks like
        return real(spec)

    monkeypatch.setattr(synth, "native", flaky)
    wav = synth.render(spec)
    assert len(calls) == 2 and sf.info(__import__("io").BytesIO(wav)).samplerate == TELEPHONY_RATE

    def never(spec):
        raise SpeechError("pyttsx3 wrote no file")

    monkeypatch.setattr(synth, "native", never)
    with pytest.raises(SpeechError, match="failed its checks twice.*no file"):
        synth.render(spec)


def test_a_clip_far_too_short_for_its_words_is_refused(monkeypatch):
    synth = Synthesizer()
    long_text = " ".join(["words"] * 40)
    monkeypatch.setattr(synth, "native", lambda spec: (0.3 * np.sin(np.arange(4410) / 3).astype(np.float32), 22050))
    with pytest.raises(SpeechError, match="lasts 0.2 s, not between"):
        synth.render(ClipSpec(long_text, "en-GB", "en-gb", 160))
