"""Staff recordings: WAV or MP3 in, telephony WAV out; clear refusals for bad files."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from ivr.audio import recordings
from ivr.audio.recordings import RecordingError, convert_recording
from ivr.audio.store import AudioStore

from .conftest import tone


@pytest.mark.parametrize(
    "data",
    [
        tone(2.0, rate=44100, channels=2),
        tone(2.0, rate=48000, subtype="FLOAT"),
        tone(2.0, rate=44100, fmt="MP3", subtype="MPEG_LAYER_III"),
        tone(2.0, rate=16000, fmt="FLAC"),
    ],
    ids=["wav-44k-stereo", "wav-48k-float", "mp3", "flac"],
)
def test_common_audio_becomes_8khz_mono_pcm_at_a_steady_level(data):
    out = convert_recording(data, "greeting.wav")
    info = sf.info(io.BytesIO(out))
    assert (info.samplerate, info.channels, info.subtype, info.format) == (8000, 1, "PCM_16", "WAV")
    assert 1.9 < info.duration < 2.2
    samples, _ = sf.read(io.BytesIO(out), dtype="float32")
    assert 0.85 < np.max(np.abs(samples)) < 0.9  # normalised to -1 dBFS peak


def test_a_converted_recording_is_stored_by_its_content_hash(tmp_path):
    out = convert_recording(tone(1.0), "a.wav")
    store = AudioStore(tmp_path)
    name = store.save_recording(out)
    assert name.endswith(".wav") and store.path(name[:-4]).read_bytes() == out
    assert store.save_recording(out) == name


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "is empty"),
        (b"<html>not a recording</html>" * 10, "is not an audio file that can be read"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt garbage", "is not an audio file that can be read"),
        (tone(61.0, rate=8000), "lasts 61 s, over the 60 s limit"),
        (tone(0.1, rate=8000), "lasts 0.10 s"),
        (tone(2.0, rate=8000, level=0.0), "is silent"),
        (tone(2.0, rate=8000, level=0.005), "too quiet"),
    ],
    ids=["empty", "html", "corrupt-wav", "too-long", "too-short", "silent", "quiet"],
)
def test_bad_recordings_are_refused_with_a_clear_message(data, message):
    with pytest.raises(RecordingError, match=message) as caught:
        convert_recording(data, "upload.wav")
    assert str(caught.value).startswith("upload.wav ")


def test_an_enormous_file_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr(recordings, "MAX_BYTES", 1024)
    with pytest.raises(RecordingError, match=r"over the 0 MB limit|MB, over"):
        convert_recording(tone(1.0), "huge.wav")
