"""Staff recordings: any common audio file in, the line's telephony WAV out, or a clear refusal.

The staff area calls `convert_recording(data, filename)` with the uploaded
bytes and keeps the result with `AudioStore.save_recording`; nothing is stored
when it raises, so the audio callers hear stays as it was.

libsndfile (through soundfile) reads WAV, MP3, FLAC and Ogg; soxr resamples.
"""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf
import soxr

from ..errors import IvrError
from .synth import SUBTYPE, TELEPHONY_RATE, loudness_dbfs

MAX_BYTES = 20 * 1024 * 1024  # a minute of 48 kHz stereo WAV is about 11 MB
MAX_SECONDS = 60.0  # a prompt is a short chunk; the flow checks keep words under about 25 s
MIN_SECONDS = 0.3
SILENT_DBFS = -50.0  # nothing but hiss
QUIET_DBFS = -40.0  # speech a caller would strain to hear
PEAK = 10 ** (-1 / 20)  # normalise to -1 dBFS peak, leaving headroom for the phone network
EXTENSIONS = (".wav", ".mp3", ".flac", ".ogg", ".oga")


class RecordingError(IvrError):
    """An uploaded recording cannot be used; the message says why and what to do."""


def convert_recording(data: bytes, filename: str = "the recording") -> bytes:
    """Uploaded audio bytes -> 8 kHz mono 16-bit PCM WAV bytes, checked for length and loudness."""
    if not data:
        raise RecordingError(f"{filename} is empty; choose a WAV or MP3 file")
    if len(data) > MAX_BYTES:
        raise RecordingError(
            f"{filename} is {len(data) / 1024 / 1024:.1f} MB, over the {MAX_BYTES // 1024 // 1024} MB limit; "
            f"a prompt should be under {MAX_SECONDS:.0f} seconds"
        )
    try:
        with sf.SoundFile(io.BytesIO(data)) as audio:
            rate, frames = audio.samplerate, audio.frames
            if rate <= 0 or frames <= 0:
                raise RecordingError(f"{filename} holds no sound")
            if frames / rate > MAX_SECONDS + 1:  # cheap check before decoding it all
                raise RecordingError(_too_long(filename, frames / rate))
            samples = audio.read(dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        kinds = ", ".join(e.lstrip(".").upper() for e in EXTENSIONS)
        raise RecordingError(f"{filename} is not an audio file that can be read ({kinds}): {exc}") from exc
    if not np.all(np.isfinite(samples)):
        raise RecordingError(f"{filename} is corrupt: it holds samples that are not numbers")
    seconds = len(samples) / rate
    if seconds > MAX_SECONDS:
        raise RecordingError(_too_long(filename, seconds))
    if seconds < MIN_SECONDS:
        raise RecordingError(f"{filename} lasts {seconds:.2f} s; record the whole prompt")
    mono = samples.mean(axis=1)
    level = loudness_dbfs(mono)
    if level < SILENT_DBFS:
        raise RecordingError(f"{filename} is silent ({level:.0f} dBFS); check the microphone and record it again")
    if level < QUIET_DBFS:
        raise RecordingError(
            f"{filename} is too quiet ({level:.0f} dBFS) to be heard on a phone; record it closer to the microphone"
        )
    out = soxr.resample(mono, rate, TELEPHONY_RATE, quality="VHQ") if rate != TELEPHONY_RATE else mono
    peak = float(np.max(np.abs(out)))
    if peak > 0:
        out = out * (PEAK / peak)
    buffer = io.BytesIO()
    sf.write(buffer, out.astype(np.float32), TELEPHONY_RATE, format="WAV", subtype=SUBTYPE)
    return buffer.getvalue()


def _too_long(filename: str, seconds: float) -> str:
    return f"{filename} lasts {seconds:.0f} s, over the {MAX_SECONDS:.0f} s limit; split the words into shorter prompts"
