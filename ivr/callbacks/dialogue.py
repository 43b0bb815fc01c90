"""The callback booking as a conversation: (step, answers so far, input) -> (Reply, answers, effect).

Pure, like the engine whose menus it reuses: no Flask, no database. The layer
that calls it (views.py) loads and saves the answers by the call's sid and
stores the booking; the answers never travel in URLs, only the step does.

The questions, in order: the number (the caller's own, said by its last three
digits, or keyed in and read back), when it is safe to call, whether a voicemail
is safe, whether it is safe to say who is calling. Then the booking is stored
and the caller hears a reference, what happens next and the helpline number.
Every question is a menu with the standard keys, silence and wrong-key handling.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, replace

from ..engine import CallState, Engine, Gather, Redirect, Reply, Utterance
from ..flow import model
from ..flow.speech import hints as speech_hints
from . import numbers

OWN, NUMBER, CONFIRM, WHEN, VOICEMAIL, IDENTIFY, DONE = (
    "own",
    "number",
    "confirm",
    "when",
    "voicemail",
    "identify",
    "done",
)
STEPS = (OWN, NUMBER, CONFIRM, WHEN, VOICEMAIL, IDENTIFY)
SAFE_TIMES = {"1": "morning", "2": "afternoon", "3": "evening", "4": "any"}
YES_NO = {"1": "yes", "2": "no"}
MAX_NUMBER_TRIES = 3
_QUESTIONS = {
    OWN: ((), ("callback.own.yes", "callback.own.other")),
    CONFIRM: ((), ("callback.confirm.yes", "callback.confirm.again")),
    WHEN: (
        ("callback.when.ask",),
        ("callback.when.morning", "callback.when.afternoon", "callback.when.evening", "callback.when.any"),
    ),
    VOICEMAIL: (("callback.voicemail.ask",), ("callback.voicemail.yes", "callback.voicemail.no")),
    IDENTIFY: (("callback.identify.ask",), ("callback.identify.yes", "callback.identify.no")),
    DONE: ((), ("callback.done.reference", "callback.done.finish")),
}
# The helpline's own callback asks these in its name (the others are the same for both).
_HELPLINE_WORDS = {
    "callback.when.ask": "callback.helpline.when.ask",
    "callback.identify.ask": "callback.helpline.identify.ask",
    "callback.identify.yes": "callback.helpline.identify.yes",
}
# Offered by name after the booking, with the key that does it on every menu (one key, one meaning).
_STANDARD_CHOICES = {DONE: (("back", "topic.main"),)}


@dataclass(frozen=True)
class Draft:
    """A booking under way: which callback node, the question now asked, the answers so far."""

    node: str
    step: str
    offered: str = ""  # the caller's own number (E.164), when it can be called back
    number: str = ""  # the number chosen (E.164)
    tries: int = 0  # numbers refused so far
    when: str = ""
    voicemail: str = ""
    identify: str = ""
    relay: bool = False  # keyed with 18001 or 18002 in front: ring `number` through Relay UK

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data) -> Draft | None:
        """A stored draft, or None when it is not one this code wrote."""
        if not isinstance(data, dict):
            return None
        try:
            draft = cls(**{k: data[k] for k in data if k in cls.__dataclass_fields__})
        except TypeError:
            return None
        valid = draft.step in STEPS and isinstance(draft.tries, int) and isinstance(draft.relay, bool)
        return draft if valid else None

    @property
    def safety(self) -> dict:
        return {"when": self.when, "voicemail": self.voicemail, "identify": self.identify}


@dataclass(frozen=True)
class Outcome:
    """What an answer leads to. `draft` None: the booking is left (forget the answers).
    `book`: every answer is in; store the booking, then say `Booking.booked`."""

    reply: Reply | None
    draft: Draft | None
    book: bool = False


class Booking:
    """The booking dialogue over one Engine (so one flow and its words)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.flow = engine.flow
        self.keys = engine.settings.keys
        self.menus = functools.lru_cache(maxsize=64)(self._menus)

    # --- the questions -------------------------------------------------------------------
    def _menus(self, node_id: str) -> dict[str, model.Menu]:
        """The booking's questions as menus of the engine's own kind (ids "<node>/<step>"), in the
        name of whoever will call: the helpline's own callback asks with the helpline's words."""
        helpline = getattr(self.flow.nodes.get(node_id), "purpose", "") == "helpline"
        words = _HELPLINE_WORDS if helpline else {}
        questions = {
            step: (tuple(words.get(p, p) for p in intro), tuple(words.get(p, p) for p in prompts))
            for step, (intro, prompts) in _QUESTIONS.items()
        }
        return {
            step: model.Menu(
                f"{node_id}/{step}",
                0,
                tuple(model.Choice(str(n), prompt, "", 0) for n, prompt in enumerate(prompts, start=1))
                + tuple(
                    model.Choice(getattr(self.keys, role), prompt, "", 0)
                    for role, prompt in _STANDARD_CHOICES.get(step, ())
                ),
                "",
                intro,
            )
            for step, (intro, prompts) in questions.items()
        }

    def ask(self, draft: Draft, state: CallState, preface: tuple[str, ...] = ()) -> Reply:
        """Say the draft's current question, after `preface` (prompt ids)."""
        lang = state.language
        if draft.step == NUMBER:
            return self._ask_number(draft.node, state, preface)
        extra: tuple[Utterance, ...] = ()
        if draft.step == OWN:
            extra = self.digits(lang, "callback.own.ask", (draft.offered[-3:],))
        elif draft.step == CONFIRM:
            extra = self.digits(lang, "callback.confirm.heard", numbers.groups_of(draft.number))
        return self._question(self.menus(draft.node)[draft.step], state, preface, extra)

    def _question(self, menu: model.Menu, state: CallState, preface, extra=()) -> Reply:
        said = tuple(self.engine.say(state.language, p) for p in preface)
        brief = tuple(preface) == ("sys.silence.first",)  # as on every menu: only the warning
        if not brief:
            said += tuple(extra)
        gather = replace(self.engine.menu_gather(menu, state, said, brief), route="callback")
        return Reply((gather, Redirect("callback", menu.id, state)), state.language, state.more_time)

    def _ask_number(self, node_id: str, state: CallState, preface) -> Reply:
        lang = state.language
        said = tuple(self.engine.say(lang, p) for p in preface)
        if tuple(preface) != ("callback.number.silence",):
            said += (self.engine.say(lang, "callback.number.ask"),)
        said += (self.engine.say(lang, "callback.number.back"),)
        settings = self.engine.settings
        # Typing a number takes longer than pressing one key; relay operators type it.
        timeout = max(settings.timeout_more_time, 30) if state.more_time else max(settings.timeout_normal, 10)
        step = f"{node_id}/{NUMBER}"
        listens = self.engine.listens(lang)
        hints = self._number_hints(lang) if listens else ()
        gather = Gather(
            step, state, said, timeout, listens, hints, True, route="callback", num_digits=None, finish_on_key="#"
        )
        return Reply((gather, Redirect("callback", step, state)), lang, state.more_time)

    def digits(self, language: str, lead: str, groups) -> tuple[Utterance, ...]:
        """A prompt followed by digits said one by one from the sys.digit clips, in groups with a
        pause between them ("I heard zero seven nine one one, / one two three, / four five six."):
        an SSML <break> with <Say>, and in play mode the clip of the digit ending a group carries it."""
        prompts = self.flow.prompts
        spoken_in = prompts.language_of(lead, language)
        out = []
        for index, group in enumerate(groups):
            last = index == len(groups) - 1
            words = " ".join(prompts.text(f"sys.digit.{d}", spoken_in) for d in group) + ("." if last else ",")
            parts = tuple(f"sys.digit.{d}" for d in group)
            if not last:
                parts = parts[:-1] + (model.group_end(parts[-1]),)
            if index == 0:
                words, parts = f"{prompts.text(lead, language)} {words}", (lead,) + parts
            out.append(Utterance(words, spoken_in, parts, pause=not last))
        return tuple(out)

    # --- starting and answering -------------------------------------------------------------
    def start(self, node_id: str, state: CallState, caller: str | None) -> Outcome:
        """The first question: the caller's own number if it can be called, else keying one in."""
        own = numbers.from_caller_id(caller)
        draft = Draft(node_id, OWN if own else NUMBER, offered=own.e164 if own else "")
        return Outcome(self.ask(draft, state.fresh()), draft)

    def answer(self, draft: Draft, state: CallState, digits: str, speech: str, now, quiet_for=0.0) -> Outcome:
        """The caller answered the draft's current question (or stayed silent, for `quiet_for`
        seconds since their last key or word)."""
        digits = (digits or "").strip()[:64]
        speech = (speech or "").strip()[:500]
        if draft.step == NUMBER:
            return self._answer_number(draft, state, digits, speech, now, quiet_for)
        asked = []

        def again(new_state, preface):
            asked.append(True)
            return self.ask(draft, new_state, preface)

        menu = self.menus(draft.node)[draft.step]
        chosen = self.engine.menu_input(menu, state, digits[:1], speech, now, again, quiet_for)
        if isinstance(chosen, Reply):
            return Outcome(chosen, draft if asked else None)
        fresh = state.fresh()
        if chosen == self.keys.back:
            return self._back(draft, fresh, now)
        if draft.step == OWN:
            if chosen == "1":
                return self._next(replace(draft, number=draft.offered, relay=False, step=WHEN), fresh)
            return self._next(replace(draft, step=NUMBER), fresh)
        if draft.step == CONFIRM:
            return self._next(replace(draft, step=WHEN if chosen == "1" else NUMBER), fresh)
        if draft.step == WHEN:
            return self._next(replace(draft, when=SAFE_TIMES[chosen], step=VOICEMAIL), fresh)
        if draft.step == VOICEMAIL:
            return self._next(replace(draft, voicemail=YES_NO[chosen], step=IDENTIFY), fresh)
        return Outcome(None, replace(draft, identify=YES_NO[chosen]), book=True)

    def _next(self, draft: Draft, state: CallState) -> Outcome:
        return Outcome(self.ask(draft, state), draft)

    def _back(self, draft: Draft, state: CallState, now) -> Outcome:
        """`#` goes to the question before; before the first, out of the booking to the main menu."""
        keyed = draft.number and draft.number != draft.offered
        previous = {
            CONFIRM: NUMBER,
            WHEN: CONFIRM if keyed else OWN,
            VOICEMAIL: WHEN,
            IDENTIFY: VOICEMAIL,
            NUMBER: OWN if draft.offered else None,
        }.get(draft.step)
        if previous is None:
            return Outcome(self.engine.enter(self.flow.main_menu, state, now), None)
        return self._next(replace(draft, step=previous), state)

    def _answer_number(self, draft: Draft, state: CallState, digits: str, speech: str, now, quiet_for=0.0) -> Outcome:
        keys = self.keys
        # On the keypad, star (then hash) is "back" here: Twilio ends a number at its finishing key, so a
        # bare hash arrives as no input at all. Said "repeat" still says the question again.
        keyed_back = digits == keys.repeat
        if not digits and speech:
            digits = self._standard_key_said(state.language, speech) or self._digits_said(state.language, speech)
            if not digits:
                return self._refused(draft, state, now, "sys.not_understood")
        if not digits:  # silence: warn and offer more time, then explain again, then a person
            if self.engine.silence_over(state, quiet_for):
                return Outcome(self.engine.end_on_silence(state), None)
            silences = state.silences + 1
            if silences >= self.engine.settings.retries_no_input:
                return Outcome(self.engine.to_person(state.fresh(), now, "sys.silence.person"), None)
            preface = ("callback.number.silence",) if silences == 1 else ("callback.number.again",)
            return Outcome(self.ask(draft, replace(state, silences=silences), preface), draft)
        if digits == keys.person:
            return Outcome(self.engine.to_person(state.fresh(), now), None)
        if digits == keys.repeat and not keyed_back:
            return Outcome(self.ask(draft, state.fresh()), draft)
        if digits == keys.more_time:
            return Outcome(self.ask(draft, replace(state.fresh(), more_time=True), ("sys.more_time",)), draft)
        if digits == keys.back or keyed_back:
            return self._back(draft, state.fresh(), now)
        relay, digits = numbers.split_relay(digits)
        checked = numbers.check_keyed(digits)
        if isinstance(checked, str):
            return self._refused(draft, state, now, f"callback.number.{checked}")
        return self._next(replace(draft, number=checked.e164, relay=relay, step=CONFIRM), state.fresh())

    def _refused(self, draft: Draft, state: CallState, now, reason: str) -> Outcome:
        """A number that cannot be called: say why and ask again; after three, offer the helpline."""
        tries = draft.tries + 1
        node = self.flow.nodes[draft.node]
        if tries >= MAX_NUMBER_TRIES:
            reply = self.engine.enter(node.fail, state.fresh(), now, (reason, "callback.number.give_up"))
            return Outcome(reply, None)
        draft = replace(draft, tries=tries)
        return Outcome(self.ask(draft, state.fresh(), (reason,)), draft)

    def _standard_key_said(self, language: str, speech: str) -> str:
        """ "More time", "repeat", "a person" said at the number question (digit words excepted)."""
        words = self.flow.prompts.words.get(language, {})
        heard = " " + " ".join(speech.lower().replace("'", " ").split()) + " "
        for name, key in self.keys.as_dict().items():
            if any(f" {phrase} " in heard for phrase in words.get(f"key.{name}", ())):
                return key
        return ""

    def _number_hints(self, language: str) -> tuple[str, ...]:
        """The words of a said number as hints ("zero", "oh", "double"): no class token, since the line
        names no speech model that supports one."""
        words = self.flow.prompts.words.get(language, {})
        ids = [f"digit.{n}" for n in range(10)] + [f"callback.number.{w}" for w in ("zero", "double", "triple")]
        return speech_hints(w for i in ids for w in words.get(i, ()))

    def _digits_said(self, language: str, speech: str) -> str:
        words = self.flow.prompts.words.get(language, {})
        digit_words = {w: str(n) for n in range(10) for w in words.get(f"digit.{n}", ())}
        digit_words.update({w: "0" for w in words.get("callback.number.zero", ())})
        repeats = {w: 2 for w in words.get("callback.number.double", ())}
        repeats.update({w: 3 for w in words.get("callback.number.triple", ())})
        return numbers.digits_from_speech(speech, digit_words, repeats)

    # --- the end ------------------------------------------------------------------------------
    def booked(self, node_id: str, state: CallState, reference: str, preface=(), first: bool = True) -> Reply:
        """The booking is stored: its reference, slowly, twice; what happens next; the helpline."""
        lang = state.language
        slow = tuple(reference)  # one digit at a time, with a pause after each
        extra = self.digits(lang, "callback.reference", slow) + self.digits(lang, "callback.reference.again", slow)
        if first:
            node = self.flow.nodes[node_id]
            after = "callback.next.helpline" if getattr(node, "purpose", "") == "helpline" else "callback.next"
            extra = (self.engine.say(lang, "callback.booked"),) + extra
            extra += (self.engine.say(lang, after), self.engine.say(lang, "callback.wait"))
        return self._question(self.menus(node_id)[DONE], state, preface, extra)

    def answer_done(
        self, node_id: str, state: CallState, reference: str, digits: str, speech: str, now, quiet_for=0.0
    ) -> Reply:
        """After the booking: hear the reference again, finish, or go back to the main menu."""
        menu = self.menus(node_id)[DONE]

        def again(new_state, preface):
            return self.booked(node_id, new_state, reference, preface, first=False)

        chosen = self.engine.menu_input(menu, state, (digits or "").strip()[:1], speech or "", now, again, quiet_for)
        if isinstance(chosen, Reply):
            return chosen
        if chosen == "1":
            return self.booked(node_id, state.fresh(), reference, first=False)
        if chosen == "2":
            return self.engine.enter(self.flow.nodes[node_id].done, state.fresh(), now)
        return self.engine.enter(self.flow.main_menu, state.fresh(), now)

    def failed(self, node_id: str, state: CallState, now, *preface: str) -> Reply:
        """The booking could not be made: the flow's `fail` node (it gives the helpline number)."""
        return self.engine.enter(self.flow.nodes[node_id].fail, state.fresh(), now, tuple(preface))
