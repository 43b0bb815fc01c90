"""The staff area's bridge to the audio pipeline (ivr/audio): hearing a draft,
converting an uploaded recording, and the recordings the live line plays.

Recordings are kept in the database (so every instance has them) and written
into the local audio store when the live line is rebuilt. When the audio
pipeline or espeak-ng is missing, pages say so instead of offering a player.
"""

from __future__ import annotations

import concurrent.futures as futures
import logging
import multiprocessing
import threading

from flask import current_app
from sqlalchemy import select

from .models import Recording

log = logging.getLogger(__name__)
RENDER_TIMEOUT = 45  # seconds for one draft clip
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DRAFTS = "drafts"  # IVR_AUDIO_DIR/drafts: draft clips, never served under /audio/

try:  # the audio pipeline (issue 3) may be absent in a trimmed install
    from .. import audio as pipeline
    from ..audio.clips import pause_after
    from ..audio.recordings import MAX_SECONDS, RecordingError, convert_recording
    from ..audio.synth import ClipSpec, SpeechError, engine_version, render_in_worker, words_a_minute
except ImportError:  # pragma: no cover - depends on the install
    pipeline = None
    MAX_SECONDS = 60

    class RecordingError(Exception):
        pass

    class SpeechError(Exception):
        pass


_pool: futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def audio_store(app=None):
    app = app or current_app
    return app.extensions.get("ivr.audio")


def unavailable_reason(app=None) -> str:
    """Why drafts cannot be heard here, or "" when they can."""
    if pipeline is None or audio_store(app) is None:
        return "The audio pipeline is not installed on this server, so drafts cannot be played here."
    try:
        engine_version()
    except SpeechError as exc:
        return f"The speech engine is not available on this server: {exc}"
    return ""


def can_render(app=None) -> bool:
    return not unavailable_reason(app)


def can_convert(app=None) -> bool:
    return pipeline is not None and audio_store(app) is not None


def fetch_clip(app, name: str) -> bytes | None:
    """A published clip's audio from the database (the truth every server shares), or None."""
    from sqlalchemy.exc import SQLAlchemyError

    from .models import AudioClip

    try:
        with app.extensions["ivr.db"].session() as session:
            return session.scalar(select(AudioClip.audio).where(AudioClip.name == name))
    except SQLAlchemyError as exc:
        log.warning("audio: the database is unreachable, clip %s not fetched (%s)", name, exc.__class__.__name__)
        return None


def has_clip(name: str, app=None) -> bool:
    """Whether this server can serve published clip `name`: in its cache, or fetched now from the database."""
    app = app or current_app._get_current_object()
    store = audio_store(app)
    if store.has(name):
        return True
    wav = fetch_clip(app, name)
    if wav is None:
        return False
    store.write(name, wav)
    return True


def keep_clip(store, name: str, wav: bytes, app=None) -> None:
    """Keep a rendered clip of published words: in the database for every server, and in this one's cache."""
    from sqlalchemy.exc import IntegrityError

    from .models import AudioClip

    app = app or current_app._get_current_object()
    try:
        with app.extensions["ivr.db"].session() as session:
            if session.get(AudioClip, name) is None:
                session.add(AudioClip(name=name, audio=wav))
    except IntegrityError:
        pass  # another server stored the same clip (same name, same words) at the same moment
    store.write(name, wav)


def materialise_clips(app, flow) -> int:
    """Copy into this server's cache every clip of `flow` it lacks that the database holds; returns how many."""
    store = audio_store(app)
    if pipeline is None or store is None or app.config["IVR_SPEECH"] != "play":
        return 0
    from ..audio.clips import flow_clips
    from .models import AudioClip

    try:
        engine = engine_version()
    except SpeechError:
        return 0
    missing = {c.name for c in flow_clips(flow, engine)} - store.names()
    if not missing:
        return 0
    with app.extensions["ivr.db"].session() as session:
        rows = session.execute(select(AudioClip.name, AudioClip.audio).where(AudioClip.name.in_(sorted(missing))))
        count = 0
        for name, wav in rows:
            store.write(name, wav)
            count += 1
    return count


def draft_clip(name: str) -> bytes | None:
    """A clip already rendered for a draft (Listen), to publish without rendering it again."""
    path = audio_store().root / DRAFTS / f"{name}.wav"
    return path.read_bytes() if path.is_file() else None


def _executor() -> futures.ProcessPoolExecutor:
    """One speech process, started on first use (spawn: the server holds threads and sockets)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


executor = _executor


def shutdown() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def draft_clip_name(flow, prompt_id: str, text: str, language: str) -> tuple[str, object]:
    """The clip a caller would hear for these words (same spec as the pipeline's), and its spec."""
    settings = flow.settings
    spec = ClipSpec(
        text,
        language,
        settings.languages[language].espeak_voice,
        words_a_minute(settings.rate_normal),
        pause_after(prompt_id),
    )
    return spec.name(engine_version()), spec


def render_draft(flow, prompt_id: str, text: str, language: str):
    """The path of the rendered clip for draft words (rendered once, then kept by content hash).

    Drafts are rendered into the private `drafts/` folder, which `GET /audio/` never serves:
    only the signed-in staff route hands them out, until they are published.
    """
    store = audio_store()
    name, spec = draft_clip_name(flow, prompt_id, text, language)
    path = store.path(name)  # words already live: the published clip
    if path is None:
        path = store.root / DRAFTS / f"{name}.wav"
        path = path if path.is_file() else None
    if path is None:
        try:
            wav = _executor().submit(render_in_worker, spec).result(timeout=RENDER_TIMEOUT)
        except futures.process.BrokenProcessPool as exc:
            shutdown()
            raise SpeechError(f"the speech process stopped ({exc})") from exc
        except futures.TimeoutError as exc:
            raise SpeechError(f"rendering took more than {RENDER_TIMEOUT} seconds") from exc
        path = store.write(name, wav, store.root / DRAFTS)
    return path


def convert(data: bytes, filename: str) -> tuple[bytes, str, float]:
    """Uploaded bytes -> (telephony WAV, content name, seconds); raises RecordingError."""
    import io

    import soundfile as sf

    wav = convert_recording(data, filename)
    name = _content_name(wav)
    info = sf.info(io.BytesIO(wav))
    return wav, name, info.frames / info.samplerate


def _content_name(wav: bytes) -> str:
    import hashlib

    return hashlib.sha256(wav).hexdigest()[:32]  # the same name AudioStore.save_recording gives


def recordings_for(session, language: str, prompt_id: str) -> list[Recording]:
    query = (
        select(Recording)
        .where(Recording.language == language, Recording.prompt_id == prompt_id, Recording.state != "removed")
        .order_by(Recording.id.desc())
    )
    return list(session.scalars(query))


def materialise(app, session) -> dict[tuple[str, str], str]:
    """{(prompt id, language): file name} of published recordings, written to the local store if missing."""
    rows = session.execute(
        select(Recording.id, Recording.prompt_id, Recording.language, Recording.digest).where(
            Recording.state == "published"
        )
    ).all()
    store = audio_store(app)
    out = {}
    for row_id, prompt_id, language, digest in rows:
        if store is not None and not store.has(digest):
            store.write(digest, session.get(Recording, row_id).audio, store.recordings)
        out[(prompt_id, language)] = f"{digest}.wav"
    return out


def lookup(app, flow, recordings):
    """The AudioLookup for a rebuilt flow (None in say mode or without the pipeline)."""
    if pipeline is None or audio_store(app) is None:
        return None
    return pipeline.lookup_for(app, flow, recordings or None)
