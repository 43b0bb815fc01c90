"""Ring the real line from the staff area: a whole call replayed through the real webhooks.

A tried call is its switches (hours, language, more time, how a transfer ends,
which words) and the caller's inputs so far ("1", "s" for silence, "say:words",
a keyed number). Each time the page sends one more input, the call is rung again
from the start, in-process: signed requests to the real voice and booking views,
which run the real engine on the real flow and words, as a `dryrun.DryRun` (no
booking stored, nothing counted). Replaying keeps nothing on the server between
requests, so any worker can answer, and a saved test call is the same replay.

The TwiML answers are read the way Twilio would: what is said (clips and their
words, or <Say> text), where the caller is (the node the engine rendered), what
the line waits for (a key, a number ended with #, anything to skip guidance),
transfers (ended as the switch says) and hang-ups.
"""

from __future__ import annotations

import datetime as dt
import secrets
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from twilio.request_validator import RequestValidator
from werkzeug.test import Client

from .. import dryrun
from ..callbacks.dryrun import throwaway_copy
from ..engine import Engine
from ..line.line import Line
from ..line.twiml import TwimlRenderer
from . import clock

FROM = "+447700900123"  # Ofcom's drama range: never a real caller
TO = "+441632960000"
DIAL_STATUS = {"answered": "completed", "busy": "busy", "no-answer": "no-answer", "failed": "failed"}
MAX_INPUTS = 200
MAX_STEPS = 400
KEYS = set("0123456789*#")
LETS_IT_PLAY = "You let it play."  # silence where any key would skip: the page does not write it


class TryError(Exception):
    """The call cannot be tried as asked (bad switches or input); the message says why."""


@dataclass(frozen=True)
class Switches:
    """What a real call cannot give on demand."""

    hours: str = "open"  # open, closed, holiday
    language: str = ""  # the language the line starts in ("" the line's default)
    more_time: bool = False
    transfer: str = "answered"  # answered, busy, no-answer, failed
    words: str = "live"  # live, or drafts (the staff member's own drafts)

    @classmethod
    def from_dict(cls, data: dict, flow) -> Switches:
        data = data if isinstance(data, dict) else {}
        hours = str(data.get("hours", "open"))
        language = str(data.get("language", "") or "")
        transfer = str(data.get("transfer", "answered"))
        words = str(data.get("words", "live"))
        if hours not in clock.HOURS:
            raise TryError(f"Unknown opening hours choice {hours!r}")
        if language and language not in flow.settings.languages:
            raise TryError(f"Unknown language {language!r}")
        if transfer not in DIAL_STATUS:
            raise TryError(f"Unknown transfer outcome {transfer!r}")
        if words not in ("live", "drafts"):
            raise TryError(f"Unknown words choice {words!r}")
        return cls(hours, language, bool(data.get("more_time")), transfer, words)


def clean_inputs(inputs) -> list[str]:
    """The caller's inputs, checked: a key, a keyed number, 's' (silence) or 'say:words'."""
    if not isinstance(inputs, list) or len(inputs) > MAX_INPUTS:
        raise TryError(f"Inputs must be a list of at most {MAX_INPUTS}")
    out = []
    for item in inputs:
        item = str(item)
        if item == "s" or (item.startswith("say:") and item[4:].strip() and len(item) <= 204):
            out.append(item)
        elif item and len(item) <= 32 and set(item) <= KEYS:
            out.append(item)
        else:
            raise TryError(f"Not an input the page can send: {item[:40]!r}")
    return out


@dataclass
class Event:
    """One thing in the transcript, in order."""

    kind: str  # say, you, transfer, booking, end
    text: str
    node: str = ""
    clips: list[str] = field(default_factory=list)  # paths the browser fetches, in order
    detail: str = ""  # a transfer's outcome (answered, busy...); a booking's reference


@dataclass
class Result:
    events: list[Event]
    waiting: str  # key (a menu or question), number (digits then #), skip (guidance), "" (ended)
    node: str  # where the caller is now
    inputs_used: int
    moment: str  # the time the call was rung at (ISO), so the page can say it

    def as_dict(self) -> dict:
        out = asdict(self)
        out["events"] = [asdict(e) for e in self.events]
        return out

    @property
    def reached_person(self) -> bool:
        """Put through to a person (a transfer answered), or a callback booked."""
        return any((e.kind == "transfer" and e.detail == "answered") or e.kind == "booking" for e in self.events)


class TracedEngine(Engine):
    """The real engine, noting each node it renders (where the caller is, for the diagram)."""

    def __init__(self, flow, trace: list[str]):
        super().__init__(flow)
        rendered = self.render

        def render(node_id, state, preface=()):
            trace.append(node_id)
            return rendered(node_id, state, preface)

        self.render = render


def _absolute(base: str, path: str) -> str:
    return base.rstrip("/") + path


def build_line(app, words: str, drafts: dict | None, trace: list[str], clip_words: dict, flow=None) -> Line:
    """The Line a tried call rings: the live flow and words, or with `drafts` ({language: {id: text}}),
    or a given `flow` (one about to be published), spoken as text."""
    live = app.extensions["ivr.line"]()
    public = app.config["IVR_PUBLIC_URL"].rstrip("/")
    if flow is not None:
        return Line(flow, TracedEngine(flow, trace), TwimlRenderer(flow, public, "say"))
    flow, audio = live.flow, live.twiml.audio
    draft_clip = None
    if words == "drafts" and drafts:
        from . import drafts as mine

        flow, audio, draft_clip = mine.flow_and_audio(app, drafts)

    def lookup(prompt_id, language, slow):
        if draft_clip is not None and prompt_id in drafts.get(language, {}):
            url = draft_clip(prompt_id, language, slow)
        else:
            url = audio(prompt_id, language, slow) if audio is not None else None
        if url:
            clip_words[url] = flow.prompts.text(prompt_id, language)
        return url

    renderer = TwimlRenderer(flow, public, app.config["IVR_SPEECH"], lookup)
    return Line(flow, TracedEngine(flow, trace), renderer)


def number_name(flow, e164: str) -> str:
    for name, number in flow.settings.numbers.items():
        if number.e164 == e164:
            return f"{name} ({number.spoken})"
    return e164


def _node_of(url: str) -> str:
    """The node a webhook URL is about: /voice/input/<node>, /voice/callback/<node>/<step>..."""
    parts = urlsplit(url).path.split("/")
    return parts[3] if len(parts) > 3 and parts[1] == "voice" else ""


def run(switches: Switches, inputs: list[str], drafts: dict | None = None, app=None, flow=None) -> Result:
    """Ring the line with these switches, answer with `inputs` in turn; stop where the call
    waits for more input than there is, or ends. `flow`: ring that flow instead of the live one."""
    app = app or current_app._get_current_object()
    trace: list[str] = []
    clip_words: dict[str, str] = {}
    line = build_line(app, switches.words, drafts, trace, clip_words, flow)
    try:
        when = clock.moment(line.flow, switches.hours, app.config["IVR_CLOCK"]())
    except clock.NoSuchTime as exc:
        raise TryError(str(exc)) from exc
    store = throwaway_copy(app.extensions["ivr.callbacks"])
    dry = dryrun.DryRun(line=line, now=when, callbacks=store)
    public = app.config["IVR_PUBLIC_URL"].rstrip("/")
    token = app.config["TWILIO_AUTH_TOKEN"]
    sid = "CA" + secrets.token_hex(16)
    client = Client(app)
    events: list[Event] = []
    pending = list(inputs)
    used = 0
    booked = False

    def post(url: str, extra: dict | None = None) -> tuple[ET.Element, str]:
        params = {
            "CallSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": FROM,
            "To": TO,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **(extra or {}),
        }
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        signature = RequestValidator(token).compute_signature(_absolute(public, path), params)
        start = len(trace)
        response = client.post(
            path,
            data=params,
            headers={"X-Twilio-Signature": signature},
            environ_overrides={dryrun.ENVIRON_KEY: dry},
        )
        if response.status_code != 200:
            raise TryError(f"The line answered {response.status_code} at {parts.path}")
        node = trace[-1] if len(trace) > start else ""
        return ET.fromstring(response.get_data()), node

    def browser_path(url: str) -> str:
        return url[len(public) :] if url.startswith(public) else url

    def hear(verbs, node: str) -> None:
        group: list[tuple[str, str]] = []  # (words, clip path) of consecutive clips said as one line

        def flush():
            if group:
                text = "".join(
                    words + ("" if i == len(group) - 1 else " " if words[-1:] in ".?!,:;" else ", ")
                    for i, (words, _) in enumerate(group)
                )
                events.append(Event("say", text, node, [path for _, path in group]))
                group.clear()

        for verb in verbs:
            if verb.tag == "Play":
                url = (verb.text or "").strip()
                words = clip_words.get(url, "")
                group.append((words, browser_path(url)))
                if words[-1:] in ".?!":
                    flush()
            elif verb.tag == "Say":
                flush()
                events.append(Event("say", " ".join("".join(verb.itertext()).split()), node))
        flush()

    if switches.language or switches.more_time:
        state = {"l": switches.language or line.flow.settings.default_language, "m": "1" if switches.more_time else "0"}
        entry = f"{public}/voice/node/{line.flow.settings.entry}?l={state['l']}&m={state['m']}&s=0&w=0"
    else:
        entry = f"{public}/voice"
    document, node = post(entry)
    waiting, where = "", node
    for _ in range(MAX_STEPS):
        next_url, extra = None, None
        for verb in document:
            if verb.tag in ("Say", "Play"):
                hear([verb], node or where)
            elif verb.tag == "Gather":
                where = _node_of(verb.get("action", "")) or node or where
                hear(list(verb), where)
                if not pending:
                    if verb.get("numDigits") is None:
                        waiting = "number"
                    elif verb.get("actionOnEmptyResult") == "true":
                        waiting = "key"
                    else:
                        waiting = "skip"
                    return _result(events, waiting, where, used, when, store, sid, booked)
                item = pending.pop(0)
                used += 1
                if item == "s":
                    if verb.get("actionOnEmptyResult") != "true":
                        events.append(Event("you", LETS_IT_PLAY, where))
                        continue  # Twilio goes on to the next verb
                    events.append(Event("you", "You stay silent.", where))
                    extra = {}
                elif item.startswith("say:"):
                    events.append(Event("you", f"You say: {item[4:]}", where))
                    extra = {"SpeechResult": item[4:], "Confidence": "0.9"}
                else:
                    events.append(Event("you", f"You press {item}", where))
                    # As Twilio: a number ends at its finishing key (left out; pressed first, no input); a
                    # menu takes one key.
                    finish = verb.get("finishOnKey", "#")
                    keyed = item.split(finish)[0] if finish else item
                    extra = {"Digits": keyed if verb.get("numDigits") is None else item[:1]}
                next_url = verb.get("action")
                break
            elif verb.tag == "Redirect":
                next_url, extra = (verb.text or "").strip(), {}
                break
            elif verb.tag == "Dial":
                where = _node_of(verb.get("action", "")) or node or where
                number = " ".join("".join(verb.itertext()).split())
                outcome = switches.transfer
                text = f"Transfer to {number_name(line.flow, number)}: {outcome}"
                events.append(Event("transfer", text, where, detail=outcome))
                if verb.get("action"):
                    next_url, extra = verb.get("action"), {"DialCallStatus": DIAL_STATUS[outcome]}
                    break
            elif verb.tag == "Hangup":
                events.append(Event("end", "The line hangs up.", node or where))
                return _result(events, "", node or where, used, when, store, sid, booked)
        if not booked and store.by_call(sid) is not None:
            booked = True
            events.append(_booking_event(store, sid, where))
        if next_url is None:
            events.append(Event("end", "The call ends.", where))
            return _result(events, "", where, used, when, store, sid, booked)
        document, node = post(next_url, extra)
        if node:
            where = node
    raise TryError("The call went on for too many steps")


def _booking_event(store, sid: str, node: str) -> Event:
    made = store.by_call(sid)
    safety = []
    if made.safe_time:
        safety.append(f"safe time: {made.safe_time}")
    if made.voicemail_ok is not None:
        safety.append("voicemail: " + ("yes" if made.voicemail_ok else "no"))
    if made.say_who_is_calling is not None:
        safety.append("say who is calling: " + ("yes" if made.say_who_is_calling else "no"))
    text = f"A callback would be booked for {made.number}, reference {made.reference}"
    text += (" (" + ", ".join(safety) + ")") if safety else ""
    return Event("booking", text + ". Not stored: this was a try.", node, detail=made.reference)


def _result(events, waiting, node, used, when: dt.datetime, store, sid, booked) -> Result:
    if not booked and store.by_call(sid) is not None:
        events.append(_booking_event(store, sid, node))
    return Result(events, waiting, node, used, when.isoformat())
