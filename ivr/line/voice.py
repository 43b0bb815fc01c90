"""The Twilio voice webhooks: check the signature, turn the request into engine input,
hand back the engine's answer as TwiML. Nothing here builds XML by hand.
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint, Response, current_app, request
from flask.sessions import SessionInterface
from werkzeug.exceptions import HTTPException

from .. import dryrun, metrics
from . import journey, silence
from .fallback import fallback_twiml
from .signature import require_twilio_signature, twilio_params

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_NODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def line():
    return dryrun.line(current_app)  # the live line; a dry run's own line (staff trying the line)


def now():
    return dryrun.now(current_app)


def twiml(text: str) -> Response:
    return Response(text, mimetype="text/xml")


bp.before_request(metrics.start_timer)
bp.before_request(require_twilio_signature)
bp.after_request(metrics.observe)


class NoSessionForWebhooks(SessionInterface):
    """Flask's signed-cookie session, except on the webhooks, which never use it.

    Opening and saving the session (the staff area's login reads it on every
    request) took about a quarter of a webhook's CPU time. Under /voice the
    session is Flask's empty NullSession: reading it works, writing to it is an error.
    """

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def open_session(self, app, request):
        if request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/"):
            return self.make_null_session(app)
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response):
        return self.inner.save_session(app, session, response)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@bp.record_once
def _no_sessions_for_webhooks(state):
    state.app.session_interface = NoSessionForWebhooks(state.app.session_interface)


@bp.errorhandler(Exception)
def fault(exc):
    """Never a 500 to Twilio: say sorry, give the helpline number and connect."""
    if isinstance(exc, HTTPException):
        return exc
    log.exception("webhook fault at %s", request.path)
    if not dryrun.active():
        metrics.FALLBACKS.inc()
    return twiml(fallback_answer())


def fallback_answer() -> str:
    """The safe answer from the live flow, or the one built at start if the flow is the fault."""
    try:
        return fallback_twiml(line().flow, caller_id())
    except Exception:
        log.exception("no flow for the fallback answer")
        return current_app.extensions["ivr.fallback"]


def state_and_node(node_id: str):
    current = line()
    if not _NODE_ID.match(node_id):
        node_id = "-"  # an unknown node: the engine says so and offers the main menu
    return current, current.engine.state_from_query(request.query_string), node_id


def caller_id() -> str | None:
    """The number the caller rang (ours), shown to the helpline: never the caller's own."""
    called = twilio_params().get("To", "")
    return called if _E164.match(called) else None


@bp.post("")
def incoming():
    """A call comes in."""
    current = line()
    log.info("call started %s", _sid())
    if not dryrun.active():
        metrics.CALLS.inc()
    at = now()
    reply = current.engine.start(at)
    journey.record(reply, current)
    return twiml(current.twiml.render(reply, since=silence.last_input({}, at, heard=True)))


@bp.post("/node/<node_id>")
def enter(node_id):
    """A redirect into a node of the call tree."""
    current, state, node_id = state_and_node(node_id)
    at = now()
    reply = current.engine.enter(node_id, state, at)
    journey.record(reply, current, state)
    return twiml(current.twiml.render(reply, caller_id(), silence.last_input(request.args, at, heard=False)))


@bp.post("/input/<node_id>")
def answer(node_id):
    """What the caller pressed or said at a node (or nothing: silence)."""
    current, state, node_id = state_and_node(node_id)
    digits = twilio_params().get("Digits", "")
    speech = twilio_params().get("SpeechResult", "")
    at = now()
    since = silence.last_input(request.args, at, heard=bool(digits.strip() or speech.strip()))
    reply = current.engine.answer(node_id, state, digits, speech, at, silence.quiet_for(since, at))
    journey.record(reply, current, state)
    return twiml(current.twiml.render(reply, caller_id(), since))


@bp.post("/dial/<node_id>")
def dialled(node_id):
    """How a transfer ended: completed, busy, no answer, failed."""
    current, state, node_id = state_and_node(node_id)
    status = twilio_params().get("DialCallStatus", "failed")
    if not dryrun.active():
        metrics.TRANSFERS.labels(metrics.transfer_outcome(status)).inc()
    log.info("transfer from %s ended: %s %s", node_id, status[:20], _sid())
    at = now()
    reply = current.engine.dial_result(node_id, state, status, at)
    journey.record(reply, current, state)
    # Not an input of the caller's: a silent caller put through to a line nobody answers still reaches the end.
    return twiml(current.twiml.render(reply, caller_id(), silence.last_input(request.args, at, heard=False)))


@bp.post("/whisper/<node_id>")
def whisper(node_id):
    """Said to the person who answers a transfer, before the caller is put through: the call's language."""
    current, state, node_id = state_and_node(node_id)
    return twiml(current.twiml.render(current.engine.whisper(node_id, state)))


@bp.post("/fallback")
def fallback():
    """The fixed answer of last resort (also what `ivr export-fallback` writes)."""
    return twiml(fallback_answer())


@bp.post("/status")
def status():
    """Twilio's call status callback."""
    log.info("call %s %s", _sid(), twilio_params().get("CallStatus", "")[:20])
    for hook in current_app.extensions.get("ivr.status_hooks", []):
        hook(twilio_params())
    return twiml('<?xml version="1.0" encoding="UTF-8"?><Response />')


def _sid() -> str:
    """A short, non-personal handle on the call for logs."""
    sid = twilio_params().get("CallSid", "")
    return sid[:10] if re.match(r"^CA[0-9a-f]+$", sid) else "-"
