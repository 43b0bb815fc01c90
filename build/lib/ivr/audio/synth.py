"""Speech synthesis: text -> pyttsx3 on espeak-ng -> telephony WAV (8 kHz, mono, 16-bit PCM).

What shapes the sound is a `ClipSpec` (text, language, espeak voice, words a
minute, trailing pause); its `name()` hashes that together with the engine's
version, so a file's name says exactly which words it holds.

pyttsx3 2.99's espeak driver returns from `runAndWait()` before a long text
has finished (its file appears later, or is overwritten by the next one) and
prints "Audio saved to ..." on stdout. So one file is rendered at a time, we
wait for pyttsx3's own `finished-utterance` notification, stdout is swallowed,
and every clip is read back and checked before it is kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import math
import re
import tempfile
import threading
import unicodedata
from dataclasses import asdict, dataclass
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from ..errors import IvrError

TELEPHONY_RATE = 8000  # Hz: what the phone network carries
SUBTYPE = "PCM_16"  # see the README's "Audio" section for why not mu-law
FORMAT = "wav-8000-mono-pcm16-v1"  # part of every clip's name: change it and everything re-renders
BASE_WPM = 160  # espeak words a minute at speech_rate 100 %: a calm telephone pace
MIN_WPM = 80  # espeak-ng's own floor
SILENT_DBFS = -40.0  # speech is around -20 dBFS; below this a clip is treated as silence
FINISH_TIMEOUT = 30.0  # seconds to wait for espeak to finish one clip

INSTALL_HINT = "install it with `apt-get install espeak-ng` (Debian/Ubuntu) or `brew install espeak-ng` (macOS)"


class SpeechError(IvrError):
    """A prompt could not be turned into audio; the message names the prompt and language when known."""


@dataclass(frozen=True)
class ClipSpec:
    """Everything that shapes one clip's sound."""

    text: str
    language: str  # the language the words are in, e.g. cy-GB
    voice: str  # espeak-ng voice, e.g. en-gb, cy
    wpm: int  # words a minute
    pause_ms: int = 0  # silence after the words (pacing between menu choices)

    def name(self, engine: str) -> str:
        """The clip's file name (without .wav): 32 hex digits of SHA-256."""
        blob = json.dumps({**asdict(self), "engine": engine, "format": FORMAT}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]


def words_a_minute(rate_percent: int) -> int:
    return max(MIN_WPM, round(BASE_WPM * rate_percent / 100))


@functools.cache
def engine_version() -> str:
    """pyttsx3 and espeak-ng versions, e.g. 'pyttsx3 2.99, espeak-ng 1.51' (raises SpeechError if missing)."""
    try:
        from pyttsx3.drivers import _espeak
    except Exception as exc:  # OSError from ctypes when libespeak-ng is absent
        raise SpeechError(f"espeak-ng is not available ({exc}); {INSTALL_HINT}") from exc
    espeak = _espeak.Info(None)
    espeak = espeak.decode() if isinstance(espeak, bytes) else str(espeak)
    return f"pyttsx3 {package_version('pyttsx3')}, espeak-ng {espeak}"


# --- the words: what espeak-ng can say ------------------------------------------------
_URL = re.compile(r"(https?://|www\.|\w@\w|\b[\w-]+\.(?:uk|org|com|net|gov|wales|cymru|info)\b)", re.IGNORECASE)
# Punctuation espeak reads as pauses or as a word we mean (£5, 24/7, 50%, "Q&A").
_SAYABLE_PUNCTUATION = set(".,;:!?'\"()-&%£/\u2018\u2019\u201c\u201d\u2013\u2014\u2026")


# Written forms espeak-ng would spell out letter by letter, and how people say them.
SPOKEN_FORMS = {"GOV.UK": "gov dot UK"}


def spoken(text: str) -> str:
    """The words as espeak-ng should say them (the prompt's text itself is not changed)."""
    for written, said in SPOKEN_FORMS.items():
        text = text.replace(written, said)
    return text


def unsayable(text: str) -> str | None:
    """Why espeak-ng cannot say `text` well, or None when it can."""
    if not text or not text.strip():
        return "the text is empty; write the words to say"
    match = _URL.search(text)
    if match:
        return (
            f"it contains a web or email address ({match.group(0)!r}...), which is read out letter by letter; "
            "write it as it should be said, e.g. 'gov dot uk'"
        )
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "LMN" or char.isspace() or char in _SAYABLE_PUNCTUATION:
            continue
        label = unicodedata.name(char, f"U+{ord(char):04X}").lower()
        return f"it contains {char!r} ({label}), which espeak-ng cannot say; write it in words or remove it"
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        return "it has no words to say"
    return None


# --- rendering ---------------------------------------------------------------------------
class Synthesizer:
    """One pyttsx3 engine (espeak-ng can only be initialised once a process); one clip at a time."""

    def __init__(self):
        engine_version()
        import pyttsx3
        from pyttsx3.drivers import _espeak

        self._espeak = _espeak

        with contextlib.redirect_stdout(io.StringIO()):
            self.engine = pyttsx3.init("espeak")
        self.finished = threading.Event()
        self._voices: dict[str, tuple[str, ...]] = {}
        self.engine.connect("finished-utterance", self._finished)

    def _finished(self, name=None, completed=True):
        self.finished.set()

    def voice_id(self, voice: str) -> str:
        """pyttsx3's id for an espeak-ng voice named as in flows.yaml ('en-gb' -> 'gmw/en', 'cy' -> 'cel/cy')."""
        if not self._voices:
            self._voices = {v.id: tuple(v.languages or ()) for v in self.engine.getProperty("voices")}
        wanted = voice.lower()
        for voice_id, languages in self._voices.items():
            if wanted == voice_id or voice_id.endswith("/" + wanted) or wanted in languages:
                return voice_id
        raise SpeechError(
            f"espeak-ng has no voice {voice!r}; `espeak-ng --voices` lists them (set espeak_voice in flows.yaml)"
        )

    def _settle(self, spec: ClipSpec) -> None:
        """Set voice and rate and make sure espeak-ng took them (pyttsx3 swallows a refused setting)."""
        voice_id = self.voice_id(spec.voice)
        if self.engine.isBusy():  # a fresh engine starts busy: settings would wait in pyttsx3's queue
            self.engine.runAndWait()
        self.engine.setProperty("voice", voice_id)
        self.engine.setProperty("rate", spec.wpm)
        # espeak-ng queues settings; runAndWait's stop() would cancel them while still queued.
        self._espeak.Synchronize()
        now = (self.engine.getProperty("voice"), self.engine.getProperty("rate"))
        if now != (voice_id, spec.wpm):
            raise SpeechError(
                f"espeak-ng is set to voice {now[0]} at {now[1]} words a minute, not {voice_id} at {spec.wpm}"
            )

    def native(self, spec: ClipSpec) -> tuple[np.ndarray, int]:
        """pyttsx3's own output for `spec`: float samples and their rate (22050 Hz for espeak-ng)."""
        with tempfile.TemporaryDirectory(prefix="ivr-tts-") as folder:
            path = Path(folder) / "clip.wav"
            self.finished.clear()
            with contextlib.redirect_stdout(io.StringIO()):
                self._settle(spec)
                self.engine.save_to_file(spec.text, str(path))
                self.engine.runAndWait()
                # runAndWait can return while espeak is still speaking; the notification comes after the file.
                done = self.finished.wait(FINISH_TIMEOUT)
            if not done:
                self.engine.stop()
                raise SpeechError(f"espeak-ng did not finish within {FINISH_TIMEOUT:.0f} s")
            if not path.exists():
                raise SpeechError("pyttsx3 wrote no file")
            samples, rate = sf.read(path, dtype="float32", always_2d=True)
        return samples.mean(axis=1), rate

    def render(self, spec: ClipSpec) -> bytes:
        """The telephony WAV for `spec`, checked; tries twice, then raises SpeechError."""
        reason = unsayable(spec.text)
        if reason:
            raise SpeechError(reason)
        problem = "no attempt"
        for _attempt in range(2):
            try:
                samples, rate = self.native(spec)
                wav = telephony_wav(samples, rate, spec.pause_ms)
                problem = check_clip(wav, spec)
            except (SpeechError, sf.LibsndfileError, RuntimeError) as exc:
                problem = str(exc)
                continue
            if problem is None:
                return wav
        raise SpeechError(f"the rendered audio failed its checks twice ({problem})")


def telephony_wav(samples: np.ndarray, rate: int, pause_ms: int = 0) -> bytes:
    """Mono float samples at `rate` -> 8 kHz mono 16-bit PCM WAV bytes, with `pause_ms` of silence after."""
    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    out = soxr.resample(mono, rate, TELEPHONY_RATE, quality="HQ") if rate != TELEPHONY_RATE else mono
    if pause_ms:
        out = np.concatenate([out, np.zeros(TELEPHONY_RATE * pause_ms // 1000, dtype=out.dtype)])
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(out, -1.0, 1.0), TELEPHONY_RATE, format="WAV", subtype=SUBTYPE)
    return buffer.getvalue()


def loudness_dbfs(samples: np.ndarray) -> float:
    """RMS level in dB relative to full scale (-inf for digital silence)."""
    if samples.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def expected_seconds(text: str, wpm: int) -> tuple[float, float]:
    """A generous (shortest, longest) plausible length for `text` said at `wpm`."""
    tokens = text.split()
    # A number may be read digit by digit or as "eight hundred and forty five": count it high for the upper bound.
    most = sum(max(1, 2 * sum(c.isdigit() for c in token)) for token in tokens)
    return 0.25 * len(tokens) * 60 / wpm, 2.5 * most * 60 / wpm + 2.0


def check_clip(wav: bytes, spec: ClipSpec) -> str | None:
    """Why a rendered clip must not be shipped, or None: format, silence, implausible length."""
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32", always_2d=True)
    if rate != TELEPHONY_RATE or samples.shape[1] != 1:
        return f"it is {rate} Hz with {samples.shape[1]} channels, not {TELEPHONY_RATE} Hz mono"
    speech = samples[: len(samples) - TELEPHONY_RATE * spec.pause_ms // 1000, 0]
    level = loudness_dbfs(speech)
    if level < SILENT_DBFS:
        return f"it is silent ({level:.0f} dBFS)"
    seconds = len(speech) / rate
    shortest, longest = expected_seconds(spec.text, spec.wpm)
    if not shortest <= seconds <= longest:
        return f"it lasts {seconds:.1f} s, not between {shortest:.1f} and {longest:.1f} s for its {len(spec.text.split())} words"
    return None


# --- worker processes --------------------------------------------------------------------
_worker: Synthesizer | None = None


def render_in_worker(spec: ClipSpec) -> bytes:
    """Entry point for a process pool: one Synthesizer per process, made on first use."""
    global _worker
    if _worker is None:
        _worker = Synthesizer()
    return _worker.render(spec)
