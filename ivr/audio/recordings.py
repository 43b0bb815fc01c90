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


MAX_CHANNELS = 2
MAX_RATE = 48_000
BLOCK_SECONDS = 1
# What the first bytes say a file is, and the extensions that kind may have.
_MAGIC = (
    (b"RIFF", "WAV"),
    (b"RF64", "WAV"),
    (b"fLaC", "FLAC"),
    (b"OggS", "OGG"),
    (b"ID3", "MP3"),
)
_EXTENSION_KIND = {".wav": "WAV", ".mp3": "MP3", ".flac": "FLAC", ".ogg": "OGG", ".oga": "OGG"}
# libsndfile's names for the same kinds.
_SNDFILE_KIND = {"WAV": "WAV", "WAVEX": "WAV", "RF64": "WAV", "FLAC": "FLAC", "OGG": "OGG", "MP3": "MP3", "MPEG": "MP3"}


def sniff(data: bytes) -> str | None:
    """The kind of audio file the first bytes say this is (WAV, FLAC, OGG, MP3), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:  # an MPEG audio frame's sync bits
        return "MP3"
    return None


def _kinds() -> str:
    return ", ".join(e.lstrip(".").upper() for e in EXTENSIONS)


def convert_recording(data: bytes, filename: str = "the recording") -> bytes:
    """Uploaded audio bytes -> 8 kHz mono 16-bit PCM WAV bytes, checked for length and loudness.

    What the file really is (its first bytes, then libsndfile's reading of its header), its
    channels, sample rate and length are checked before any sound is decoded; the sound is
    then decoded a second at a time and mixed to mono as it goes, so a hostile header cannot
    make a worker allocate more than the limits allow.
    """
    if not data:
        raise RecordingError(f"{filename} is empty; choose a WAV or MP3 file")
    if len(data) > MAX_BYTES:
        raise RecordingError(
            f"{filename} is {len(data) / 1024 / 1024:.1f} MB, over the {MAX_BYTES // 1024 // 1024} MB limit; "
            f"a prompt should be under {MAX_SECONDS:.0f} seconds"
        )
    kind = sniff(data)
    if kind is None:
        raise RecordingError(f"{filename} is not an audio file that can be read ({_kinds()})")
    # The name may say otherwise (a FLAC called .wav): what the bytes are decides, and is said.
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if _EXTENSION_KIND.get(extension) not in (None, kind):
        filename = f"{filename} (really a {kind} file)"
    try:
        with sf.SoundFile(io.BytesIO(data)) as audio:
            rate, frames, channels = audio.samplerate, audio.frames, audio.channels
            real = _SNDFILE_KIND.get(audio.format)
            if real != kind:
                raise RecordingError(f"{filename} is not an audio file that can be read ({_kinds()})")
            if rate <= 0 or frames <= 0:
                raise RecordingError(f"{filename} holds no sound")
            if frames / rate > MAX_SECONDS + 1:
                raise RecordingError(_too_long(filename, frames / rate))
            if channels > MAX_CHANNELS:
                raise RecordingError(f"{filename} has {channels} channels; record it in mono or stereo")
            if rate > MAX_RATE:
                raise RecordingError(
                    f"{filename} is recorded at {rate:,} samples a second, over {MAX_RATE // 1000} kHz; "
                    "save it at 44.1 or 48 kHz"
                )
            samples = _decode_mono(audio, filename)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
        # Never the library's own words: they name Python objects ("<_io.BytesIO object at 0x...>").
        raise RecordingError(f"{filename} is not an audio file that can be read ({_kinds()})") from exc
    rate = int(rate)
    if not np.all(np.isfinite(samples)):
        raise RecordingError(f"{filename} is corrupt: it holds samples that are not numbers")
    seconds = len(samples) / rate
    if seconds > MAX_SECONDS:
        raise RecordingError(_too_long(filename, seconds))
    if seconds < MIN_SECONDS:
        raise RecordingError(f"{filename} lasts {seconds:.2f} s; record the whole prompt")
    mono = samples
    level = _loudness(mono)
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


def _decode_mono(audio, filename: str) -> np.ndarray:
    """The sound mixed to mono, decoded a block at a time into one array of the header's
    length; stops past the length limit whatever the header said."""
    rate = audio.samplerate
    limit = int((MAX_SECONDS + 1) * rate)
    mono = np.empty(min(audio.frames, limit), dtype="float32")
    total = 0
    for block in audio.blocks(blocksize=BLOCK_SECONDS * rate, dtype="float32", always_2d=True):
        if total + len(block) > limit:
            raise RecordingError(_too_long(filename, (total + len(block)) / rate))
        if total + len(block) > len(mono):  # longer than its header said: grow (still under the limit)
            mono = np.concatenate([mono, np.empty(len(block), dtype="float32")])
        mono[total : total + len(block)] = block.mean(axis=1)
        total += len(block)
    if total == 0:
        raise RecordingError(f"{filename} holds no sound")
    return mono[:total]


def _loudness(mono: np.ndarray, chunk: int = 1 << 16) -> float:
    """loudness_dbfs, summed a chunk at a time (its float64 square of the whole would double memory)."""
    if mono.size == 0:
        return loudness_dbfs(mono)
    total = sum(float(np.square(mono[i : i + chunk], dtype=np.float64).sum()) for i in range(0, mono.size, chunk))
    rms = (total / mono.size) ** 0.5
    return 20 * np.log10(rms) if rms > 0 else -np.inf
