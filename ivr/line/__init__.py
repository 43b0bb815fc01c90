"""The line callers ring: Twilio's voice webhooks, their signatures, TwiML, the fallback
answer, silence timing, and the live line that follows published words.

`init_app(app)` loads and checks the call tree, makes the live line (which follows
what staff published, whether or not this server also serves the staff area),
the fallback answer, and registers the voice webhooks. The database and the audio
pipeline are bound first (create_app's order).
"""

from __future__ import annotations

from ..errors import ConfigError, FlowError
from .fallback import fallback_twiml
from .line import Line

__all__ = ["Line", "fallback_twiml", "init_app"]


def init_app(app) -> None:
    """The checked call tree, the live line and the voice webhooks."""
    from .. import audio
    from . import voice
    from .live import LiveLine

    try:
        shipped = Line.load(app.config)
    except FlowError as exc:
        raise ConfigError(f"the call tree fails its checks; run `ivr check` and fix:\n{exc}") from exc
    sounds = audio.lookup_for(app, shipped.flow)  # play mode: clips from IVR_AUDIO_DIR, <Say> where one is missing
    if sounds is not None:
        shipped = Line.build(shipped.flow, app.config["IVR_PUBLIC_URL"], app.config["IVR_SPEECH"], sounds)
    app.extensions["ivr.line.shipped"] = shipped
    app.extensions["ivr.fallback"] = fallback_twiml(shipped.flow)
    app.extensions.setdefault("ivr.status_hooks", [])
    # Published words and recordings reach the next call on every server (ivr.prompts' store).
    app.extensions["ivr.line"] = LiveLine(app, shipped)
    from ..prompts import sound

    # GET /audio/<name>.wav on a server whose cache lacks a published clip: fetched from the database.
    app.extensions["ivr.audio.fetch"] = lambda name: sound.fetch_clip(app, name)
    from . import journey

    # Twilio's status callback ends the call's journey (for reports); other capabilities add their own hooks.
    app.extensions["ivr.status_hooks"].append(journey.call_ended)
    app.register_blueprint(voice.bp)
    app.extensions["ivr.fault_answer"] = voice.fallback_answer  # for other webhook blueprints' faults
