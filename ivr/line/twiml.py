"""Turn the engine's Reply into TwiML with Twilio's library; the only place XML is made.

IVR_SPEECH=say speaks each utterance with <Say> in the language's voice (SSML
prosody slows it for callers who asked for more time); IVR_SPEECH=play plays
pre-rendered clips with <Play>, falling back to <Say> for any clip missing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from twilio.twiml.voice_response import Dial, Gather, Play, Redirect, Say, VoiceResponse

from .. import engine as e
from ..flow import model

log = logging.getLogger(__name__)

ROUTES = {
    "node": "/voice/node/",
    "input": "/voice/input/",
    "dial": "/voice/dial/",
    "callback": "/voice/callback/",
    "whisper": "/voice/whisper/",
}

# (prompt id, language, slow) -> absolute URL of the clip, or None when there is none
AudioLookup = Callable[[str, str, bool], "str | None"]

# A breath between menu choices ("..., press 1." pause "..., press 2."). In play mode
# the sys.press.N clips end in the same silence (ivr.audio.clips.PAUSE_AFTER).
PAUSE_AFTER_PREFIX = "sys.press."
PAUSE = "300ms"
# Between the groups of a number read back ("07911 / 123 / 456"): a longer pause, in <Say> as SSML
# <break>, in play mode in the clip of the digit that ends a group (ivr.audio.clips.GROUP_PAUSE_MS).
GROUP_PAUSE = "600ms"
_GROUP_BREAK = object()  # in a list of texts to say: the pause between the groups of a number

# Every URL of a rendered answer ends in this mark, replaced at each request by the time of
# the caller's last key or word (ivr.line.silence): the cached answer stays the same for every call.
SINCE_MARK = "&t=SINCE"
_SINCE_MARK_XML = "&amp;t=SINCE"


class TwimlRenderer:
    """Renders Replies for one flow, one public URL and one speech mode."""

    def __init__(self, flow: model.Flow, public_url: str, speech: str = "say", audio: AudioLookup | None = None):
        self.flow = flow
        self.public_url = public_url.rstrip("/")
        self.speech = speech
        self.audio = audio
        self._cached = functools.lru_cache(maxsize=8192)(self._render)

    def render(self, reply: e.Reply, caller_id: str | None = None, since: int | None = None) -> str:
        """The TwiML of `reply`; its URLs carry `since`, the time of the caller's last key or
        word (Unix seconds; None leaves it out, and the next request counts from then)."""
        text = self._cached(reply, caller_id)
        return text.replace(_SINCE_MARK_XML, f"&amp;t={since}" if since is not None else "")

    def url(self, route: str, node_id: str, state: e.CallState) -> str:
        return f"{self.public_url}{ROUTES[route]}{node_id}?{urlencode(state.as_query())}{SINCE_MARK}"

    def _render(self, reply: e.Reply, caller_id: str | None = None) -> str:
        response = VoiceResponse()
        for step in reply.steps:
            if isinstance(step, e.Gather):
                response.append(self._gather(step, reply.slow))
            elif isinstance(step, e.Speak):
                for verb in self._speak(step.utterances, reply.slow):
                    response.append(verb)
            elif isinstance(step, e.Redirect):
                response.append(Redirect(self.url(step.route, step.node, step.state), method="POST"))
            elif isinstance(step, e.Dial):
                dial = Dial(
                    action=self.url("dial", step.node, step.state),
                    method="POST",
                    timeout=step.timeout,
                    caller_id=caller_id or None,
                )
                if step.whisper:  # run on the answering side before the two are connected
                    dial.number(step.number, url=self.url("whisper", step.node, step.state), method="POST")
                else:
                    dial.number(step.number)
                response.append(dial)
            elif isinstance(step, e.Hangup):
                response.hangup()
        return str(response)

    def _gather(self, step: e.Gather, slow: bool) -> Gather:
        language = self.flow.settings.languages[step.state.language]
        attrs = {
            "action": self.url(step.route, step.node, step.state),
            "method": "POST",
            "timeout": step.timeout,
            "finish_on_key": step.finish_on_key,
        }
        if step.num_digits is not None:  # None: a number of any length, ended by finish_on_key
            attrs["num_digits"] = step.num_digits
        if step.action_on_empty:
            attrs["action_on_empty_result"] = True
        if step.speech and language.speech:
            attrs.update(input="dtmf speech", language=language.speech_language, speech_timeout="auto")
            if step.hints:
                attrs["hints"] = ", ".join(dict.fromkeys(step.hints))
        else:  # keys only: no language for Twilio to refuse
            attrs["input"] = "dtmf"
        gather = Gather(**attrs)
        for verb in self._speak(step.utterances, slow):
            gather.append(verb)
        return gather

    def _speak(self, utterances, slow: bool):
        """<Say> (or <Play>) verbs for utterances; consecutive ones in one language share a <Say>."""
        verbs = []
        pending: list[str | None] = []  # None: a pause
        pending_language = None

        def flush():
            if pending:
                verbs.append(self._say(pending, pending_language, slow))
                pending.clear()

        for utterance in utterances:
            clips = self._clips(utterance, slow)
            if clips is not None:
                flush()
                verbs.extend(Play(url) for url in clips)
                continue
            if utterance.language != pending_language:
                flush()
                pending_language = utterance.language
            pending.append(utterance.text)
            if utterance.pause:
                pending.append(_GROUP_BREAK)
            elif utterance.parts and utterance.parts[-1].startswith(PAUSE_AFTER_PREFIX):
                pending.append(None)
        flush()
        return verbs

    def _clips(self, utterance: e.Utterance, slow: bool):
        if self.speech != "play" or self.audio is None:
            return None
        urls = [self.audio(part, utterance.language, slow) for part in utterance.parts]
        if all(urls):
            return urls
        log.warning(
            "no audio for prompt(s) %s in %s; saying them instead", ",".join(utterance.parts), utterance.language
        )
        return None

    def _say(self, parts: list, language_code: str, slow: bool) -> Say:
        """One <Say>: texts in order, an SSML <break> where a part is None (PAUSE) or _GROUP_BREAK
        (GROUP_PAUSE), never after the last."""
        language = self.flow.settings.languages[language_code]
        say = Say(voice=language.say_voice, language=language.code)
        chunks, breaks, current = [], [], []  # breaks[i]: the pause before chunks[i + 1]
        for part in parts:
            if part is None or part is _GROUP_BREAK:
                if current:
                    chunks.append(" ".join(current))
                    breaks.append(GROUP_PAUSE if part is _GROUP_BREAK else PAUSE)
                current = []
            else:
                current.append(part)
        if current:
            chunks.append(" ".join(current))
        if len(chunks) == 1:
            if slow:
                say.prosody(chunks[0], rate=f"{self.flow.settings.rate_slow}%")
            else:
                say.value = chunks[0]
            return say
        target = say.prosody(rate=f"{self.flow.settings.rate_slow}%") if slow else say
        for index, chunk in enumerate(chunks):
            if index:
                target.break_(time=breaks[index - 1])
            target.append(f" {chunk}" if index else chunk)  # the space keeps words apart in plain-text readers
        return say
        target = say.prosody(rate=f"{self.flow.settings.rate_slow}%") if slow else say
        for index, chunk in enumerate(chunks):
            if index:
                target.break_(time=PAUSE)
            target.append(f" {chunk}" if index else chunk)  # the space keeps words apart in plain-text readers
        return say
