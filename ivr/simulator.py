"""`ivr call`: ring a running line from a terminal, the way Twilio would.

Requests are signed with the auth token exactly as Twilio signs them, so the
line under test is the real one, signature check included. What the line says
is printed (and spoken where a sound device exists); keys are read from the
terminal or from `--keys`.
"""

from __future__ import annotations

import os
import secrets
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import click
import requests
from twilio.request_validator import RequestValidator

KEYS = "0123456789*#"
HELP = "keys 0-9 * #, s = stay silent, say WORDS = speak, q = hang up"
DIAL_OUTCOMES = ("completed", "busy", "no-answer", "failed")


@dataclass
class Caller:
    """One simulated call: posts signed webhooks and walks the TwiML answers."""

    base_url: str  # where the line really listens, e.g. http://127.0.0.1:8000
    token: str
    from_number: str = "+447700900123"
    to_number: str = "+441632960000"
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, url: str, extra: dict | None = None) -> ET.Element:
        """POST to a URL named in TwiML (signed as that URL) and parse the answer."""
        params = {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.from_number,
            "Caller": self.from_number,
            "To": self.to_number,
            "Called": self.to_number,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            **(extra or {}),
        }
        signature = RequestValidator(self.token).compute_signature(url, params)
        parts = urlsplit(url)
        target = self.base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
        answer = self.session.post(target, data=params, headers={"X-Twilio-Signature": signature}, timeout=15)
        if answer.status_code != 200:
            raise click.ClickException(f"the line answered {answer.status_code} at {parts.path}: {answer.text[:200]}")
        return ET.fromstring(answer.content)

    def hung_up(self, entry_url: str) -> None:
        """Post the status callback Twilio sends once a call is over (to `<entry_url>/status`), so the line's
        reports see the call end, as they would on a real call."""
        self.post(entry_url.rstrip("/") + "/status", {"CallStatus": "completed"})

    def words_of(self, url: str) -> str | None:
        """The words of a <Play> clip (the line serves them beside the audio), or None."""
        parts = urlsplit(url)
        if not parts.path.endswith(".wav"):
            return None
        try:
            answer = self.session.get(self.base_url.rstrip("/") + parts.path[:-4] + ".txt", timeout=5)
        except requests.RequestException:
            return None
        return answer.text if answer.status_code == 200 else None


def spoken_text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


class Keypad:
    """What one <Gather> asks of the keypad, and what Twilio sends for the keys pressed there.

    A menu (`numDigits="1"`) takes the first key and no more. A number (no `numDigits`) takes keys
    until `finishOnKey` (#), which Twilio leaves out, or until the caller stops (the timeout):
    so a 0 that starts a number is a digit, never "a person".
    """

    def __init__(self, gather: ET.Element | None = None):
        attrs = gather.attrib if gather is not None else {}
        self.num_digits = int(attrs["numDigits"]) if attrs.get("numDigits", "").isdigit() else None
        self.finish = attrs.get("finishOnKey", "#") if gather is not None else ""
        self.number = gather is not None and self.num_digits is None

    def take(self, keys: str) -> tuple[str, bool]:
        """(the digits Twilio sends, whether the gather is over) after `keys` were pressed."""
        if self.finish and self.finish in keys:
            return keys[: keys.index(self.finish)], True
        if self.num_digits is not None:
            return keys[: self.num_digits], len(keys) >= self.num_digits
        return keys, False

    @property
    def hint(self) -> str:
        end = f", then {self.finish}" if self.finish else ""
        return f"type the number{end}; Enter alone = stay silent; q = hang up"


def _keys_only(text: str) -> bool:
    return bool(text) and all(ch in KEYS for ch in text)


class Script:
    """Input from --keys: '1 * 0 s say:more_time dial:busy'.

    At a number entry, tokens are keys pressed one after another ('07911 123456#' is one number) until
    the finishing key (#) or an `s` (the caller stops and Twilio's timeout sends what was keyed).
    """

    def __init__(self, text: str):
        self.tokens = text.split()

    def next_input(self, gather: ET.Element | None = None):
        keypad = Keypad(gather)
        if not self.tokens:
            return ("hangup", "")
        token = self.tokens.pop(0)
        if token == "s":
            return ("silence", "")
        if token.startswith("say:"):
            return ("speech", token[4:].replace("_", " "))
        if not keypad.number:
            return ("digits", keypad.take(token)[0] if gather is not None else token)
        pressed = token
        while True:
            digits, done = keypad.take(pressed)
            if done or not self.tokens or not _keys_only(self.tokens[0]):
                if self.tokens and self.tokens[0] == "s" and not done:
                    self.tokens.pop(0)  # the pause that ends the number: Twilio's timeout
                return ("digits", digits) if digits else ("silence", "")
            pressed += self.tokens.pop(0)

    def dial_outcome(self):
        if self.tokens and self.tokens[0].startswith("dial:"):
            return self.tokens.pop(0)[5:]
        return "completed"


class Terminal:
    """Input typed by a person: one key at a menu, a whole number (ended by #, or Enter) at a number entry."""

    def next_input(self, gather: ET.Element | None = None):
        keypad = Keypad(gather)
        hint = keypad.hint if keypad.number else HELP
        while True:
            text = click.prompt(f"  [{hint}]", default="s", show_default=False).strip()
            if text in ("q", "quit"):
                return ("hangup", "")
            if text in ("s", ""):
                return ("silence", "")
            if text.startswith("say "):
                return ("speech", text[4:])
            if keypad.number and _keys_only(text):
                # Enter without the finishing key is the caller stopping: Twilio's timeout sends the keys.
                digits = keypad.take(text)[0]
                return ("digits", digits) if digits else ("silence", "")
            if len(text) == 1 and text in KEYS:
                return ("digits", text)
            click.echo(f"  {hint}")

    def dial_outcome(self):
        return click.prompt("  the transfer", type=click.Choice(DIAL_OUTCOMES), default="completed")


class Voice:
    """Speaks with pyttsx3 where a sound device exists; otherwise stays quiet."""

    def __init__(self, enabled: bool):
        self.engine = None
        if enabled:
            try:
                import pyttsx3

                self.engine = pyttsx3.init()
            except Exception:  # no driver, no espeak-ng, no device: printing is enough
                self.engine = None

    def say(self, text: str):
        if self.engine is not None:
            self.engine.say(text)
            self.engine.runAndWait()


def run_call(caller: Caller, entry_url: str, source, echo=click.echo, voice: Voice | None = None, max_steps=200):
    """Walk one call from `entry_url`; returns the transcript as a list of lines."""
    transcript: list[str] = []

    def out(text):
        transcript.append(text)
        echo(text)

    played: list[str] = []  # the words of consecutive <Play> clips, said as one line

    def say(text):
        out(f"LINE: {text}")
        if voice:
            voice.say(text)

    def flush():
        if played:
            # A choice's clips are "To continue in English" and "press 1.": read them with the comma a pause makes.
            say(
                "".join(
                    t + ("" if i == len(played) - 1 else " " if t[-1:] in ".?!,:;" else ", ")
                    for i, t in enumerate(played)
                )
            )
            played.clear()

    def hear(element):
        if element.tag == "Play":
            words = caller.words_of(element.text.strip())
            if words is None:
                flush()
                out(f"LINE: [plays {element.text.strip()}]")
            else:
                played.append(words)
            return
        flush()
        if element.tag == "Say":
            say(spoken_text(element))
        elif element.tag == "Pause":
            out("LINE: [pause]")

    document = caller.post(entry_url)
    for _ in range(max_steps):
        next_url, extra = None, None
        for verb in document:
            if verb.tag in ("Say", "Play", "Pause"):
                hear(verb)
            elif verb.tag == "Gather":
                for inner in verb:
                    hear(inner)
                flush()
                kind, value = source.next_input(verb)
                out(f"YOU: {value if kind != 'silence' else '(silence)'}" if kind != "hangup" else "YOU: (hang up)")
                if kind == "hangup":
                    return transcript
                if kind == "silence" and verb.get("actionOnEmptyResult") != "true":
                    continue  # Twilio carries on with the next verb
                if kind == "digits":
                    extra = {"Digits": value}
                elif kind == "speech":
                    extra = {"SpeechResult": value, "Confidence": "0.9"}
                else:
                    extra = {}
                next_url = verb.get("action")
                break
            elif verb.tag == "Redirect":
                flush()
                next_url, extra = verb.text.strip(), {}
                break
            elif verb.tag == "Dial":
                flush()
                number = spoken_text(verb)
                out(f"LINE: [connecting you to {number}]")
                outcome = source.dial_outcome()
                if outcome == "completed":  # what the person who answers hears first (the call's language)
                    for number_element in verb.iter("Number"):
                        if number_element.get("url"):
                            told = caller.post(number_element.get("url"))
                            words = [
                                spoken_text(e) if e.tag == "Say" else caller.words_of(e.text.strip()) or "[a clip]"
                                for e in told
                                if e.tag in ("Say", "Play")
                            ]
                            out(f"THEY HEAR: {' '.join(words)}")
                out(f"LINE: [the transfer ended: {outcome}]")
                if verb.get("action"):
                    next_url, extra = verb.get("action"), {"DialCallStatus": outcome}
                    break
            elif verb.tag == "Hangup":
                flush()
                out("LINE: [hangs up]")
                return transcript
        flush()
        if next_url is None:
            out("LINE: [the call ends]")
            return transcript
        document = caller.post(next_url, extra)
    out("LINE: [too many steps; stopping]")
    return transcript


def find_token() -> str | None:
    token = os.environ.get("TWILIO_AUTH_TOKEN")
    if token:
        return token
    path = Path(__file__).resolve().parent.parent / "instance" / "local-auth-token"
    return path.read_text().strip() if path.exists() else None


@click.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="Where the line listens.")
@click.option("--public-url", envvar="IVR_PUBLIC_URL", help="The origin the line signs against (default: --url).")
@click.option("--keys", help='Scripted input, e.g. "1 * 0 s say:more_time dial:busy"; hangs up when it runs out.')
@click.option(
    "--from", "from_number", default="+447700900123", show_default=True, help="Caller's number; 'withheld' for none."
)
@click.option("--speak/--no-speak", default=None, help="Speak prompts aloud (default: when a sound device exists).")
def call(url, public_url, keys, from_number, speak):
    """Ring the running line from this terminal, as Twilio would."""
    token = find_token()
    if not token:
        raise click.UsageError("no auth token: set TWILIO_AUTH_TOKEN, or start the line with `ivr serve --local`")
    if speak is None:
        speak = keys is None and os.path.exists("/dev/snd") and sys.stdout.isatty()
    caller = Caller(url, token, "" if from_number == "withheld" else from_number)
    entry = (public_url or url).rstrip("/") + "/voice"
    try:
        run_call(caller, entry, Script(keys) if keys is not None else Terminal(), voice=Voice(speak))
        caller.hung_up(entry)
    except requests.ConnectionError as exc:
        raise click.ClickException(f"cannot reach the line at {url}: is `ivr serve` running? ({exc})") from exc
