"""Spoken prompts as audio: rendering with pyttsx3 on espeak-ng, the content-addressed store,
recordings from staff, and the `/audio/<name>.wav` route Twilio's <Play> fetches.

`init_app(app)` binds the store (IVR_AUDIO_DIR) and the route;
`lookup_for(app, flow, recordings)` builds the AudioLookup the TwiML renderer
plays clips through in IVR_SPEECH=play.
"""

from __future__ import annotations

import logging

from .clips import Recordings, audio_lookup
from .recordings import RecordingError, convert_recording
from .store import AudioStore
from .synth import SpeechError, engine_version

log = logging.getLogger(__name__)

__all__ = [
    "AudioStore",
    "RecordingError",
    "SpeechError",
    "convert_recording",
    "init_app",
    "lookup_for",
]


def init_app(app) -> AudioStore:
    """Bind the audio store and register the audio route."""
    from . import views

    store = AudioStore(app.config["IVR_AUDIO_DIR"])
    app.extensions["ivr.audio"] = store
    app.register_blueprint(views.bp)
    return store


def lookup_for(app, flow, recordings: Recordings | None = None):
    """The AudioLookup for `flow`, or None when audio is not played (say mode, or no espeak-ng).

    `recordings` maps (prompt id, language) to a recording's file name (from
    `AudioStore.save_recording`); a recording replaces that prompt's clips.
    """
    if app.config["IVR_SPEECH"] != "play":
        return None
    try:
        engine = engine_version()
    except SpeechError as exc:
        log.warning("no pre-rendered audio: %s; prompts will be said with <Say>", exc)
        return None
    return audio_lookup(flow, app.extensions["ivr.audio"], app.config["IVR_PUBLIC_URL"], engine, recordings)
