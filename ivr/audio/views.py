"""The audio route: `GET /audio/<name>.wav` serves a clip for Twilio's <Play> and the staff area.

Not signature-checked: Twilio fetches <Play> media with a plain GET and no
signature. That is safe because every file holds public words (the prompts
anyone hears by ringing the line) and its name is a 128-bit hash, so there is
no listing to walk and no private data to find. Names are matched against a
strict pattern before any path is built; nothing from the request is joined
into a path unchecked.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, send_file

from .clips import base_prompt
from .store import valid_name

bp = Blueprint("audio", __name__, url_prefix="/audio")

# Content-addressed: a name never changes its contents, so caches may keep it for a year.
MAX_AGE = 365 * 24 * 3600
# audio/wav is on Twilio's list of <Play> types (as are audio/wave and audio/x-wav).
MIMETYPE = "audio/wav"


@bp.get("/<name>.wav")
def clip(name: str):
    """One clip, cacheable for a year (its name changes when its words do)."""
    if not valid_name(name):
        abort(404)
    store = current_app.extensions["ivr.audio"]
    path = store.path(name)
    if path is None:
        # Published clips live in the database (every server plays every clip); this folder is a cache.
        fetch = current_app.extensions.get("ivr.audio.fetch")
        wav = fetch(name) if fetch else None
        if wav is None:
            abort(404)
        path = store.write(name, wav)
    response = send_file(path, mimetype=MIMETYPE, etag=name, conditional=True, max_age=MAX_AGE)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.get("/<name>.txt")
def words(name: str):
    """The words a clip says, so `ivr call` can print what a caller hears (public words, like the clip)."""
    if not valid_name(name):
        abort(404)
    line = current_app.extensions["ivr.line"]()
    known = getattr(line.twiml.audio, "names", {})
    if name not in known:
        abort(404)
    prompt_id, language = known[name]
    # A digit that ends a group of a read-back number is its own clip ("sys.digit.4 then a pause"): same words.
    response = Response(line.flow.prompts.text(base_prompt(prompt_id), language), mimetype="text/plain")
    response.headers["Content-Language"] = language
    response.cache_control.max_age = 300
    return response
