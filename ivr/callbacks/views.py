"""The booking's webhooks: /voice/callback/<node>/<step>, signed like every webhook.

Each request: read the step from the URL and the answers so far from the
store (by CallSid, sealed), let the dialogue decide, save what it says to keep,
and answer with its TwiML. The booking is stored before the caller hears it is
made; if the database cannot take it, they hear so, with the helpline number.
"""

from __future__ import annotations

import logging
import re
import weakref

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .. import dryrun, metrics
from ..engine import CallState
from ..flow import hours as line_calendar
from ..flow import model
from ..line import journey, silence
from ..line.signature import require_twilio_signature, twilio_params
from . import windows
from .dialogue import DONE, Booking, Draft
from .records import OverDailyLimit
from .store import CallbackStore, StoreError

log = logging.getLogger(__name__)
bp = Blueprint("callbacks", __name__, url_prefix="/voice/callback")
bp.before_request(require_twilio_signature)

_NODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
_dialogues: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def twiml(text: str) -> Response:
    return Response(text, mimetype="text/xml")


def store() -> CallbackStore:
    return dryrun.callbacks(current_app)  # a dry run books into a throwaway store of its own


def count(result: str) -> None:
    if not dryrun.active():
        metrics.BOOKINGS.labels(result).inc()
    journey.booking(result)


def dialogue(engine) -> Booking:
    """One Booking per engine: a new flow or new words make a new one."""
    booking = _dialogues.get(engine)
    if booking is None:
        booking = _dialogues[engine] = Booking(engine)
    return booking


@bp.errorhandler(Exception)
def fault(exc):
    """Never a 500 to Twilio: the safe answer (sorry, the helpline number, and a transfer)."""
    if isinstance(exc, HTTPException):
        return exc
    log.error("callback webhook fault at %s: %s", request.path, exc.__class__.__name__)
    return twiml(current_app.extensions["ivr.fault_answer"]())


@bp.post("/<node_id>/<step>")
def step(node_id, step):
    """A step of a booking: its start, or an answer to one of its questions."""
    line = dryrun.line(current_app)
    engine, flow = line.engine, line.flow
    now = dryrun.now(current_app)
    state = engine.state_from_query(request.query_string)
    heard = bool(twilio_params().get("Digits", "").strip() or twilio_params().get("SpeechResult", "").strip())
    since = silence.last_input(request.args, now, heard)
    quiet_for = silence.quiet_for(since, now)
    node = flow.nodes.get(node_id) if _NODE_ID.match(node_id) else None
    if not isinstance(node, model.Callback):  # the tree changed under the call
        return render(line, engine.enter(flow.main_menu, state.fresh(), now, ("sys.stale",)), since)
    booking = dialogue(engine)
    call_sid = twilio_params().get("CallSid", "")
    if not store().can_store or not _CALL_SID.match(call_sid):
        count("refused")
        return render(line, booking.failed(node_id, state, now, "callback.unavailable"), since)
    try:
        with store().db.one_connection():  # several short transactions, one pool checkout
            reply = _step(booking, node_id, step, state, call_sid, now, quiet_for)
        return render(line, reply, since)
    except (SQLAlchemyError, StoreError) as exc:
        # Logged by kind only: a database error's text can carry the values it was given.
        log.error("callback booking failed for call %s: %s", call_sid[:10], exc.__class__.__name__)
        _forget(call_sid)
        count("failed")
        return render(line, booking.failed(node_id, state, now), since)


def _step(booking: Booking, node_id: str, step: str, state: CallState, call_sid: str, now, quiet_for=0.0):
    callbacks = store()
    # The draft first, then the booking: a booking and the removal of its draft are one
    # commit, so a draft found missing here means any booking is already visible below.
    draft = Draft.from_dict(callbacks.load_draft(call_sid, now))
    booked = callbacks.by_call(call_sid)
    if booked is not None:  # one request per call; also a replayed webhook after the booking
        if step == DONE:
            digits, speech = twilio_params().get("Digits", ""), twilio_params().get("SpeechResult", "")
            return booking.answer_done(node_id, state, booked.reference, digits, speech, now, quiet_for)
        if step == "start":
            return booking.booked(node_id, state.fresh(), booked.reference, ("callback.already",), first=False)
        # A retried answer to the last question: Twilio plays only the retry's answer when it
        # retries a slow webhook, so it must be the whole confirmation, as the first one said it.
        return booking.booked(node_id, state.fresh(), booked.reference)

    if draft is None or draft.node != node_id:
        # A new booking; or a step with none under way (it expired, or the call left it): start again.
        if callbacks.over_daily_limit(calling_number(), now):
            count("limited")
            return booking.failed(node_id, state, now, "callback.limit")
        outcome = booking.start(node_id, state, twilio_params().get("From"))
        callbacks.save_draft(call_sid, outcome.draft.as_dict(), now)
        return outcome.reply
    if step != draft.step:  # "start" again, a retried or out-of-order webhook: ask what is asked now
        return booking.ask(draft, state.fresh())

    digits, speech = twilio_params().get("Digits", ""), twilio_params().get("SpeechResult", "")
    outcome = booking.answer(draft, state, digits, speech, now, quiet_for)
    if outcome.book:
        answers = outcome.draft
        caller = calling_number()
        if caller is None and callbacks.over_daily_limit(answers.number, now):  # withheld: count the number given
            callbacks.drop_draft(call_sid)
            count("limited")
            return booking.failed(node_id, state, now, "callback.limit")
        node = booking.flow.nodes[node_id]
        try:
            made, created = callbacks.book(
                call_sid,
                state.language,
                answers.number,
                {**answers.safety, "asked_at": node_id},  # sealed: where they asked can say what they suffered
                now,
                caller,
                due_at=due(booking.flow, now, answers.when),
                purpose=node.purpose,
                relay=answers.relay,
            )
        except OverDailyLimit:  # another booking from this number was stored since the check above
            callbacks.drop_draft(call_sid)
            count("limited")
            return booking.failed(node_id, state, now, "callback.limit")
        if created:
            count("booked")
            log.info("callback booked for call %s", call_sid[:10])  # never the reference: it opens the request
            _purge(now)
        return booking.booked(node_id, state.fresh(), made.reference)
    if outcome.draft is None:
        callbacks.drop_draft(call_sid)
    elif outcome.draft != draft:
        callbacks.save_draft(call_sid, outcome.draft.as_dict(), now)
    return outcome.reply


def due(flow, now, band: str | None = None):
    """The N-th working day after `now` (settings.callbacks.working_days) by the helpline's calendar
    (weekly hours, bank holidays, an admin's closures and extra days), by the end of the caller's
    safe time (`band`: "Evening, 5pm to 8pm" is due by 8pm), or the day's close for any time."""
    hours = line_calendar.helpline_hours(flow)
    if hours is None:
        return None
    safe = windows.window(flow, band)
    by = safe[1] if safe else None
    return line_calendar.due_at(hours, now, flow.settings.callback_working_days, by=by)


def calling_number() -> str | None:
    """The caller's own number from Twilio's From, when there is one (not withheld)."""
    caller = twilio_params().get("From", "")
    return caller if re.match(r"^\+[1-9]\d{6,14}$", caller) else None


def render(line, reply, since: int | None = None) -> Response:
    journey.record(reply, line)
    called = twilio_params().get("To", "")
    return twiml(line.twiml.render(reply, called if re.match(r"^\+[1-9]\d{6,14}$", called) else None, since))


def _forget(call_sid: str) -> None:
    """After a failed write, leave no half-finished booking behind (if the database lets us)."""
    try:
        store().drop_draft(call_sid)
    except SQLAlchemyError as exc:
        log.warning("could not drop a callback draft: %s (it expires by age)", exc.__class__.__name__)


def _purge(now) -> None:
    """Retention, done in passing: old requests and stale drafts go after each booking."""
    try:
        store().purge(now)
    except SQLAlchemyError as exc:
        log.warning("callback purge failed: %s", exc.__class__.__name__)


def call_ended(form) -> None:
    """Twilio's status callback: a call that has ended leaves no draft behind."""
    if form.get("CallStatus") not in ("completed", "busy", "failed", "no-answer", "canceled"):
        return
    call_sid = form.get("CallSid", "")
    if not _CALL_SID.match(call_sid) or "ivr.callbacks" not in current_app.extensions:
        return
    try:
        store().drop_draft(call_sid)
    except SQLAlchemyError as exc:
        log.warning("could not drop the callback draft of an ended call: %s", exc.__class__.__name__)
