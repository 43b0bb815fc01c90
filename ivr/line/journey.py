"""Journeys: what happens in calls, by kind only, for the reports staff and funders read.

The webhooks call `record(reply)` once with the engine's answer, the booking
webhook calls `booking(result)`, and the status callback ends the call here
(a status hook). Each turns the request into a few event rows: never a phone
number, never the digits typed or the words said, never the CallSid (a keyed
digest of it joins one call's events). Rows go to the Recorder's queue and are
written off the critical path. A dry run (staff trying the line) records nothing.

Modules: models (tables), recorder (the queue and writer), summary (events ->
totals, daily rollups, retention), report (the figures `ivr report` and the
Reports page show), cli (`ivr report`).
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app, request

from .. import dryrun
from ..flow import model
from ..reports import LINE_TIME, line_day
from ..reports.recorder import counted
from .signature import twilio_params

# What the line says back when an answer was not a choice, or more time was asked for.
WRONG_MARKERS = frozenset({"sys.wrong_key", "sys.not_understood"})
MORE_TIME_MARKER = "sys.more_time"
SILENCE_END_MARKER = "sys.silence.end"  # the engine's end_on_silence: the 5-minute rule ended the call
DIAL_STATUSES = ("completed", "busy", "no-answer", "failed", "canceled")
ENDED = ("completed", "busy", "failed", "no-answer", "canceled")


log = logging.getLogger(__name__)

class _Here:
    """What recording needs of the request in hand, read through Flask's context proxies once."""

    __slots__ = ("app", "request", "recorder", "params")

    def __init__(self, app, req, recorder):
        self.app, self.request, self.recorder = app, req, recorder
        self.params = req.environ.get("ivr.params") or twilio_params()  # parsed once, by the signature check


def _here() -> _Here | None:
    """The request's app, request and recorder; None when nothing is to be recorded (off, or a dry run)."""
    app = current_app._get_current_object()
    recorder = app.extensions.get("ivr.journey")
    if recorder is None or not recorder.enabled:
        return None
    req = request._get_current_object()
    if req.environ.get(dryrun.ENVIRON_KEY) is not None:
        return None
    return _Here(app, req, recorder)


def _hand_over(here: _Here, events) -> None:
    """Give the recorder this webhook's events with what they share: when, the day, the call, the serial."""
    call = here.recorder.digest(here.params.get("CallSid", ""))
    if call is None:
        return
    app = here.app
    at = app.config["IVR_CLOCK"]()
    version = getattr(app.extensions.get("ivr.line"), "serial", None) or 0
    here.recorder.add(at, _days.day(at), call, version, events)


class _Days:
    """line_day, remembering the last day's bounds: one comparison per webhook, not a time-zone sum."""

    def __init__(self):
        self.bounds: tuple[dt.datetime, dt.datetime, dt.date] | None = None

    def day(self, at: dt.datetime) -> dt.date:
        bounds = self.bounds
        if bounds is not None and at.tzinfo is not None and bounds[0] <= at < bounds[1]:
            return bounds[2]
        day = line_day(at)
        # Bounds in the clock's own zone (UTC): aware datetimes of one zone compare without a time-zone lookup.
        start = dt.datetime.combine(day, dt.time(0), LINE_TIME).astimezone(at.tzinfo)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), LINE_TIME).astimezone(at.tzinfo)
        self.bounds = (start, end, day)
        return day


_days = _Days()


def _safely(build, *args) -> None:
    """Record the events `build(here, *args)` returns (see `_events`); whatever goes wrong, the call carries on (and
    it is counted)."""
    here = _here()
    if here is None:
        return
    try:
        events = build(here, *args)
        if events:
            _hand_over(here, events)
    except Exception as exc:
        counted("dropped")
        log.warning("journey events not recorded: %s", exc.__class__.__name__)


def record(reply, line=None, state=None) -> None:
    """A voice or booking webhook answered with `reply`: record what the caller did and where they went.
    `line` and `state` are the Line and CallState the view answered with (looked up again when not given)."""
    _safely(_events, reply, line, state)


def booking(result: str) -> None:
    """A callback booking's result: booked, refused (no data key), limited (daily limit) or failed."""
    _safely(_booking, result)


def _booking(here: _Here, result: str) -> list[str]:
    return ["callback", (here.request.view_args or {}).get("node_id", ""), result, "", ""]


def call_ended(form) -> None:
    """Twilio's status callback: the call is over (where it was is worked out from its events)."""
    status = form.get("CallStatus", "")
    if status in ENDED:
        _safely(_call_ended, status)


def _call_ended(here: _Here, status: str) -> list[str]:
    return ["call_ended", "", status, "", ""]


def _events(here: _Here, reply, line=None, state=None) -> list[str]:
    """What happened, five strings an event, one event after another (the recorder's flat form): kind, node, detail,
    and where the line then took the caller (to_node, to_kind): in the last event's, so one row, not two, or in an
    "entered" event of its own when nothing else happened."""
    params = here.params
    req = here.request
    endpoint = req.endpoint or ""
    args = req.view_args or {}
    node_id = args.get("node_id", "")
    line = line if line is not None else dryrun.line(here.app)
    flow = line.flow
    node = flow.nodes.get(node_id)
    events: list[str] = []
    if endpoint == "voice.incoming":
        events += ("call_started", "", "", "", "")
    elif endpoint == "voice.dialled":
        status = params.get("DialCallStatus", "failed")
        status = status if status in DIAL_STATUSES else "other"
        number = node.number if isinstance(node, model.Transfer) else ""
        events += ("transfer", node_id, f"{number}/{status}", "", "")
    elif endpoint == "voice.answer" or (endpoint == "callbacks.step" and args.get("step") != "start"):
        heard = _heard(node, params, reply)
        if heard:
            # A silence that ended the call (rule 12) says so in its detail: reports give it its own ending.
            detail = "limit" if heard == "silence" and _ends_on_silence(reply) else ""
            events += (heard, node_id, detail, "", "")
    moved = endpoint in ("voice.incoming", "voice.enter") or reply.node != node_id
    if endpoint != "voice.incoming":
        state = state if state is not None else line.engine.state_from_query(req.query_string)
        left_language_menu = isinstance(node, model.LanguageMenu) and moved
        if reply.language and (reply.language != state.language or left_language_menu):
            events += ("language", "", reply.language, "", "")
    if reply.node and moved:
        target = flow.nodes.get(reply.node)
        to_kind = target.kind if target is not None else ""
        if events:
            events[-2:] = (reply.node, to_kind)
        else:
            events += ("entered", reply.node, to_kind, "", "")
    return events


def _heard(node, params, reply) -> str:
    """What an answer to a question was: silence, a wrong key (or words not understood), more time,
    a key or words the line took. Read from what the line says back, so it stays true to the engine."""
    if isinstance(node, model.Guidance):
        return ""  # any key skips guidance; silence lets it play on
    digits, speech = params.get("Digits", "").strip(), params.get("SpeechResult", "").strip()
    if not digits and not speech:
        return "silence"
    more_time = False
    for utterance in _first_words(reply):
        for part in utterance.parts:
            if part in WRONG_MARKERS:
                return "wrong_key"
            more_time = more_time or part == MORE_TIME_MARKER
    if more_time:
        return "more_time"
    return "key" if digits else "words"


def _ends_on_silence(reply) -> bool:
    return any(SILENCE_END_MARKER in utterance.parts for utterance in _first_words(reply))


def _first_words(reply):
    if not reply.steps:
        return ()
    return getattr(reply.steps[0], "utterances", ())
