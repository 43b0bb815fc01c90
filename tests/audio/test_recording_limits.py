"""Uploads are judged by what they are, and limited before any sound is decoded: the real
format, at most 2 channels, at most 48 kHz, the length; then decoded a block at a time.
Refusals never show Python's names for things."""

from __future__ import annotations

import io
import tracemalloc

import numpy as np
import pytest
import soundfile as sf

from ivr.audio.recordings import RecordingError, convert_recording, sniff


def encoded(frames, channels, rate, fmt, subtype=None) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, np.zeros((frames, channels), dtype="float32"), rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def speech_like(seconds, rate=48000, channels=2) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.5 * np.sin(2 * np.pi * 220 * t)).astype("float32")
    buffer = io.BytesIO()
    sf.write(buffer, np.repeat(tone[:, None], channels, axis=1), rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def test_the_review_s_flac_named_wav_is_refused_before_decoding(monkeypatch):
    """The review's file: 8 channels at 655,350 Hz, as FLAC, named .wav (took a worker to 1.7 GB)."""
    data = encoded(2000, 8, 655350, "FLAC")
    decoded = []
    monkeypatch.setattr(sf.SoundFile, "read", lambda *a, **k: decoded.append(1))
    monkeypatch.setattr(sf.SoundFile, "blocks", lambda *a, **k: decoded.append(1) or iter(()))
    with pytest.raises(RecordingError) as refused:
        convert_recording(data, "greeting.wav")
    assert "greeting.wav (really a FLAC file) has 8 channels" in str(refused.value)
    assert decoded == []


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (encoded(4000, 3, 44100, "WAV", "PCM_16"), "has 3 channels"),
        (encoded(4000, 1, 96000, "WAV", "PCM_16"), "96,000 samples a second, over 48 kHz"),
        (encoded(4000, 1, 192000, "FLAC"), "over 48 kHz"),
    ],
)
def test_channels_and_sample_rate_are_limited(data, why):
    with pytest.raises(RecordingError, match=why):
        convert_recording(data, "prompt.wav")


@pytest.mark.parametrize("data", [b"RIFF" + b"\0" * 200, b"fLaC" + b"\x01" * 100, b"OggS junk", b"\xff\xfb" * 50])
def test_refusals_never_show_python_object_names(data):
    with pytest.raises(RecordingError) as refused:
        convert_recording(data, "prompt.wav")
    message = str(refused.value)
    assert "object at 0x" not in message and "<" not in message and "Error" not in message
    assert "is not an audio file that can be read (WAV, MP3, FLAC, OGG, OGA)" in message


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"RIFF....WAVE", "WAV"),
        (b"fLaC", "FLAC"),
        (b"OggS", "OGG"),
        (b"ID3\x04", "MP3"),
        (b"\xff\xfb\x90", "MP3"),
        (b"<html>", None),
    ],
)
def test_sniff_reads_the_first_bytes(head, kind):
    assert sniff(head) == kind


def test_a_minute_of_48k_stereo_is_converted_in_bounded_memory():
    data = speech_like(55)  # 10.5 MB of 16-bit stereo
    tracemalloc.start()
    try:
        out = convert_recording(data, "long.wav")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(out) > 55 * 8000 * 2
    # Whole-file float32 stereo decoding alone is 21 MB (then its mono mix and a float64 square); 15 MB now.
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
