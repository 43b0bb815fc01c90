"""The call engine: (flow, node, caller state, input) -> what to say and where to go.

Pure: no Flask, no database, no clock of its own (the time is passed in for
opening hours). A caller's whole state travels in the URLs Twilio calls back
(signed by Twilio with the auth token), so any worker on any server can take
the next step of any call. Replies that depend only on the node, the state and
what is said first are cached, since most webhook answers repeat exactly.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from urllib.parse import parse_qsl

from ..flow import model
from ..flow.speech import hints as speech_hints
from .heard import EVERY_MENU, NEGATIONS, heard_actions, heard_unnegated, negated, normalise
from .replies import MAX_COUNT, CallState, Dial, Gather, Hangup, Redirect, Reply, Speak, Utterance

__all__ = [
    "EVERY_MENU", "MAX_COUNT", "NEGATIONS", "CallState", "Dial", "Engine", "Gather", "Hangup", "Redirect", "Reply",
    "Speak", "Utterance", "heard_actions", "heard_unnegated", "negated", "normalise",
]  # fmt: skip

SPEECH_COMPANION = model.SPEECH_COMPANION


class Engine:
    """Walks one Flow. Make a new Engine when the flow or its words change."""

    def __init__(self, flow: model.Flow):
        self.flow = flow
        self.settings = flow.settings
        self.render = functools.lru_cache(maxsize=8192)(self._render)
        self._states = functools.lru_cache(maxsize=4096)(self._state_from_query)
        self._speech = functools.lru_cache(maxsize=256)(self._speech_table)

    def state_from_query(self, query: bytes | str) -> CallState:
        """The caller's state from a webhook URL's query string (the same few strings recur: cached)."""
        return self._states(query.decode("utf-8", "replace") if isinstance(query, bytes) else query)

    def _state_from_query(self, query: str) -> CallState:
        return CallState.from_query(dict(parse_qsl(query[:400], keep_blank_values=True)), self.flow)

    # --- words ------------------------------------------------------------------
    def listens(self, language: str) -> bool:
        """Whether the line listens for words in `language` (its `speech` in flows.yaml), or keys only."""
        spec = self.settings.languages.get(language)
        return bool(spec and spec.speech)

    def say(self, language: str, *prompt_ids: str, joiner: str = " ") -> Utterance:
        """Prompts said in one breath. A prompt's companion `<id>.speech` (words inviting the caller
        to speak, "You can also say...") follows it only in a language the line listens in."""
        prompts = self.flow.prompts
        spoken_in = prompts.language_of(prompt_ids[0], language)
        if self.listens(language):
            prompt_ids = tuple(
                part
                for p in prompt_ids
                for part in ((p, f"{p}{SPEECH_COMPANION}") if prompts.has(f"{p}{SPEECH_COMPANION}", language) else (p,))
            )
        text = joiner.join(prompts.text(p, language) for p in prompt_ids)
        return Utterance(text, spoken_in, prompt_ids)

    def choice_line(self, language: str, prompt_id: str, key: str) -> Utterance:
        """A choice said before its key: 'If ..., press 2.'"""
        return self.say(language, prompt_id, model.press_prompt(key), joiner=", ")

    def timeout(self, state: CallState) -> int:
        return self.settings.timeout_more_time if state.more_time else self.settings.timeout_normal

    def silence_over(self, state: CallState, quiet_for: float) -> bool:
        """Whether a caller silent for `quiet_for` seconds (since their last key or word, or
        the start of the call) has been silent long enough for the call to end (rule 12)."""
        limit = self.settings.silence_end_more_time if state.more_time else self.settings.silence_end_normal
        return quiet_for >= limit

    def end_on_silence(self, state: CallState) -> Reply:
        """The kind end of a silent call: why, the helpline number twice, goodbye; then hang up."""
        return Reply((Speak((self.say(state.language, "sys.silence.end"),)), Hangup()), state.language, state.more_time)

    # --- entering a node ------------------------------------------------------------
    def start(self, now: dt.datetime) -> Reply:
        """The answer to a new call."""
        return self.enter(self.settings.entry, CallState(self.settings.default_language), now)

    def resolve(self, node_id: str, now: dt.datetime) -> str:
        """Follow opening-hours branches to the node a caller really reaches."""
        for _ in range(len(self.flow.nodes) + 1):
            node = self.flow.nodes.get(node_id)
            if not isinstance(node, model.HoursBranch):
                return node_id
            hours = self.settings.hours[node.hours]
            node_id = node.open if hours.is_open(now) else node.closed
        raise RuntimeError("opening-hours branches loop")  # the checker forbids this

    def enter(self, node_id: str, state: CallState, now: dt.datetime, preface: tuple[str, ...] = ()) -> Reply:
        """Say `preface` (prompt ids), then the node. An unknown node is the main menu."""
        if node_id not in self.flow.nodes:
            node_id, preface = self.flow.main_menu, ("sys.stale",)
        return self.render(self.resolve(node_id, now), state, preface)

    def _render(self, node_id: str, state: CallState, preface: tuple[str, ...]) -> Reply:
        node = self.flow.nodes[node_id]
        lang = state.language
        said = tuple(self.say(lang, p) for p in preface)
        steps: tuple
        if isinstance(node, model.Menu):
            # After the first silence only the warning is said: more time is offered,
            # and the choices come again at the next silence.
            brief = preface == ("sys.silence.first",)
            steps = (self.menu_gather(node, state, said, brief), Redirect("input", node.id, state))
        elif isinstance(node, model.Guidance):
            words = said + tuple(self.say(lang, p) for p in node.prompts)
            gather = Gather(node.id, state.fresh(), words, 1, False, (), False)
            steps = (gather, Redirect("node", node.next, state.fresh()))
        elif isinstance(node, model.LanguageMenu):
            words = said + self.greeting(node)
            listens = self.listens(state.language)
            hints = speech_hints(w for c in node.choices for w in self._words(c.language, c.prompt)) if listens else ()
            gather = Gather(node.id, state, words, self.timeout(state), listens, hints, True)
            steps = (gather, Redirect("input", node.id, state))
        elif isinstance(node, model.Transfer):
            number = self.settings.numbers[node.number]
            words = said + tuple(self.say(lang, p) for p in node.prompts)
            whisper = lang != self.settings.default_language  # the helpline is told the call is in Welsh
            dial = Dial(node.id, state.fresh(), number.e164, self.settings.timeout_dial, whisper)
            steps = (Speak(words), dial)
        elif isinstance(node, model.Goodbye):
            steps = (Speak(said + tuple(self.say(lang, p) for p in node.prompts)), Hangup())
        elif isinstance(node, model.Callback):
            # What a liaison officer does, skippable like guidance; the booking itself
            # (its questions, the stored request) is run by ivr.callbacks from here.
            words = said + tuple(self.say(lang, p) for p in node.prompts)
            start = f"{node.id}/start"
            gather = Gather(start, state.fresh(), words, 1, False, (), False, route="callback")
            steps = (gather, Redirect("callback", start, state.fresh()))
        else:  # pragma: no cover - hours branches are resolved before rendering
            raise TypeError(f"cannot render {node.kind} node {node.id!r}")
        return Reply(steps, lang, state.more_time, node_id)

    def greeting(self, node: model.LanguageMenu) -> tuple[Utterance, ...]:
        """The language menu's words: each language's choice in turn, `first_language`'s first
        (Welsh first where the Welsh Language Standards ask it); the greeting prompts, in the
        default language, just before the default language's own choice."""
        first = self.settings.first_language or self.settings.default_language
        default = self.settings.default_language
        words: tuple[Utterance, ...] = ()
        greeted = False
        for choice in sorted(node.choices, key=lambda c: c.language != first):
            if choice.language == default and not greeted:
                words += tuple(self.say(default, p) for p in node.prompts)
                greeted = True
            words += (self.choice_line(choice.language, choice.prompt, choice.key),)
        if not greeted:
            words = tuple(self.say(default, p) for p in node.prompts) + words
        return words

    def whisper(self, node_id: str, state: CallState) -> Reply:
        """What the person who answers a transfer hears before the caller is connected: the
        call's language ("A Welsh-speaking caller"). Never a hang-up: the call connects after it."""
        return Reply((Speak((self.say(state.language, "transfer.whisper"),)),), state.language, False)

    def menu_gather(self, menu: model.Menu, state: CallState, said: tuple[Utterance, ...], brief=False) -> Gather:
        """Listen for a choice while saying `said`, then (unless `brief`) the intro, the count and the choices."""
        lang = state.language
        words = said
        if not brief:
            words += tuple(self.say(lang, p) for p in menu.intro)
            words += (self.say(lang, f"sys.choices.{len(menu.choices)}"),)
            words += tuple(self.choice_line(lang, c.prompt, c.key) for c in menu.choices)
        listens = self.listens(lang)
        # Said digits ("2") still match a choice; only words and phrases are sent to Twilio as hints.
        hints = speech_hints(phrase for phrase, _ in self._speech(menu, lang)) if listens else ()
        return Gather(menu.id, state, words, self.timeout(state), listens, hints, True)

    # --- answers ----------------------------------------------------------------------
    def answer(
        self, node_id: str, state: CallState, digits: str, speech: str, now: dt.datetime, quiet_for: float = 0.0
    ) -> Reply:
        """The caller pressed `digits`, said `speech`, or (both empty) stayed silent; `quiet_for`
        is how many seconds it is since their last key or word (or the start of the call)."""
        node = self.flow.nodes.get(node_id)
        if node is None:
            return self.enter(self.flow.main_menu, state.fresh(), now, ("sys.stale",))
        digits = (digits or "").strip()[:1]
        speech = (speech or "").strip()[:500]
        if isinstance(node, model.Menu):
            return self._answer_menu(node, state, digits, speech, now, quiet_for)
        if isinstance(node, model.LanguageMenu):
            return self._answer_language(node, state, digits, speech, now)
        if isinstance(node, model.Guidance):
            if node.plays_key_guide and digits:
                standard = self._key_during_guide(node, state, digits, now)
                if standard is not None:
                    return standard
            if digits or speech:  # any key skips the talk, straight to the choices
                return self.enter(self.skip_target(node.id), state.fresh(), now)
            return self.enter(node.next, state.fresh(), now)
        # A stray answer for a node that takes none: enter it again.
        return self.enter(node.id, state.fresh(), now)

    def _key_during_guide(self, node: model.Guidance, state: CallState, digits: str, now) -> Reply | None:
        """One key, one meaning from the first second (caller rule 13): while the key guide says "press 0
        to talk to a person", 0 does it, 9 gives more time, star says the guide again; None for other keys."""
        keys = self.settings.keys
        if digits == keys.person:
            return self.to_person(state.fresh(), now)
        if digits == keys.more_time:
            return self.enter(node.next, replace(state.fresh(), more_time=True), now, ("sys.more_time",))
        if digits == keys.repeat:
            return self.render(node.id, state.fresh(), ())
        return None

    def skip_target(self, node_id: str) -> str:
        """The first node after a run of guidance: where 'skip' lands."""
        node = self.flow.nodes[node_id]
        while isinstance(node, model.Guidance):
            node = self.flow.nodes[node.next]
        return node.id

    def _answer_menu(self, menu: model.Menu, state: CallState, digits, speech, now, quiet_for=0.0) -> Reply:
        ask = lambda s, preface: self.render(menu.id, s, preface)  # noqa: E731
        outcome = self.menu_input(menu, state, digits, speech, now, ask, quiet_for)
        if isinstance(outcome, Reply):
            return outcome
        if outcome == self.settings.keys.back:
            return self.enter(menu.back, state.fresh(), now)
        return self.enter(menu.choice(outcome).goto, state.fresh(), now)

    def menu_input(self, menu: model.Menu, state: CallState, digits, speech, now, ask, quiet_for=0.0) -> Reply | str:
        """The standard handling of an answer to any menu (silence, wrong key, repeat,
        more time, a person); returns the Reply for those, else the key chosen (a
        choice's key or the back key) for the caller to act on.

        `ask(state, preface)` says the menu again after `preface` (prompt ids); `quiet_for`
        is the seconds since the caller's last key or word (a silence past the limit ends the call).
        """
        keys = self.settings.keys
        every = None if digits else self.every_menu(state.language, speech)
        if every == "every.danger":
            return self.danger(state.fresh(), now, ask)
        if every and every.startswith("every.language."):
            language = every.removeprefix("every.language.")
            return ask(replace(state.fresh(), language=language), ())
        if every == "every.callback":
            booking = self.callback_target(menu)
            if booking is not None:
                return self.enter(booking, state.fresh(), now)
            every = None  # a booking's own question: the words are taken as an answer to it
        action = keys.person if every == "every.person" else self.classify(menu, state.language, digits, speech)
        if action is None:
            if self.silence_over(state, quiet_for):
                return self.end_on_silence(state)
            silences = state.silences + 1
            if silences == 1:
                return ask(replace(state, silences=1), ("sys.silence.first",))
            if silences < self.settings.retries_no_input:
                return ask(replace(state, silences=silences), ("sys.silence.again",))
            return self.to_person(state.fresh(), now, "sys.silence.person")
        if action == "wrong":
            wrong = state.wrong + 1
            sorry = "sys.wrong_key" if digits else "sys.not_understood"
            if wrong >= self.settings.retries_wrong_key:
                return self.to_person(state.fresh(), now, sorry, "sys.wrong_key.person")
            return ask(replace(state, silences=0, wrong=wrong), (sorry,))
        if action == keys.repeat:
            return ask(state.fresh(), ())
        if action == keys.more_time:
            return ask(replace(state.fresh(), more_time=True), ("sys.more_time",))
        if action == keys.person:
            return self.to_person(state.fresh(), now)
        return action

    def every_menu(self, language: str, speech: str) -> str | None:
        """The words-on-every-menu group heard in `speech` (see EVERY_MENU), if any:
        danger, a callback, a person, or another language's name (switching to it)."""
        heard = normalise(speech or "")
        if not heard.strip():
            return None
        for word_id in EVERY_MENU:
            if heard_unnegated(heard, self._words(language, word_id)):
                return word_id
        for other in self.settings.languages:
            word_id = f"every.language.{other}"
            if other != language and heard_unnegated(heard, self._words(language, word_id)):
                return word_id
        return None

    def danger(self, state: CallState, now, ask) -> Reply:
        """Danger words: the 999 reminder and the police line (its transfer says the
        reminder first); a flow with no police line repeats the reminder and the menu."""
        police = sorted(
            n.id for n in self.flow.nodes.values() if isinstance(n, model.Transfer) and n.number == "police"
        )
        if police:
            return self.enter(police[0], state, now)
        return ask(state, ("transfer.police_danger",))

    def callback_target(self, menu: model.Menu) -> str | None:
        """Where "call me back" goes from `menu`: its own choice that books a callback, else the
        flow's callback booking; None inside a booking (its questions are not nodes of the tree)."""
        if menu.id not in self.flow.nodes:
            return None
        for choice in menu.choices:
            if isinstance(self.flow.nodes.get(choice.goto), model.Callback):
                return choice.goto
        bookings = sorted(n.id for n in self.flow.nodes.values() if isinstance(n, model.Callback))
        return bookings[0] if bookings else None

    def to_person(self, state: CallState, now, *preface: str) -> Reply:
        """Towards a person: the helpline if open, else its number and a callback."""
        target = self.resolve(self.settings.person_route, now)
        if not isinstance(self.flow.nodes[target], model.Transfer):
            preface = tuple(p for p in preface if not p.endswith(".person"))
        return self.render(target, state, tuple(preface))

    def _answer_language(self, node: model.LanguageMenu, state, digits, speech, now) -> Reply:
        chosen = next((c for c in node.choices if c.key == digits), None)
        if chosen is None and speech:
            table = [
                (phrase, c.language)
                for c in node.choices
                for phrase in self._words(c.language, c.prompt) + self._words(c.language, f"digit.{c.key}")
            ]
            matches = heard_actions(normalise(speech), table)
            if len(matches) == 1:
                chosen = next(c for c in node.choices if c.language in matches)
        if chosen is not None:
            return self.enter(node.next, replace(state.fresh(), language=chosen.language), now)
        # The standard keys work here too, before they are introduced: a caller who presses
        # 0 at the greeting wants a person, one who presses 9 needs time from the start.
        keys = self.settings.keys
        if digits == keys.person:
            return self.to_person(state.fresh(), now)
        if digits in (keys.repeat, keys.back):
            return self.render(node.id, state.fresh(), ())
        if digits == keys.more_time:
            return self.render(node.id, replace(state.fresh(), more_time=True), ("sys.more_time",))
        if (digits or speech) and state.wrong + 1 < self.settings.retries_wrong_key:
            sorry = "sys.wrong_key" if digits else "sys.not_understood"
            return self.render(node.id, replace(state, wrong=state.wrong + 1), (sorry,))
        # Silence, or still no choice: carry on in the language so far (the default
        # language on a new call; Welsh for a Welsh caller who came back), never hang up.
        return self.enter(node.next, CallState(state.language, state.more_time), now)

    def dial_result(self, node_id: str, state: CallState, status: str, now: dt.datetime) -> Reply:
        """After a transfer: a finished call says goodbye, anything else is explained."""
        node = self.flow.nodes.get(node_id)
        if not isinstance(node, model.Transfer):
            return self.enter(self.flow.main_menu, state.fresh(), now, ("sys.stale",))
        if status == "completed":
            return self.enter(node.after, state.fresh(), now)
        reason = {"busy": "sys.dial.busy", "no-answer": "sys.dial.no_answer"}.get(status, "sys.dial.failed")
        return self.enter(node.on_fail, state.fresh(), now, (reason,))

    # --- speech ------------------------------------------------------------------------
    def _words(self, language: str, word_id: str) -> tuple[str, ...]:
        return self.flow.prompts.words.get(language, {}).get(word_id, ())

    def _speech_table(self, menu: model.Menu | str, language: str) -> tuple[tuple[str, str], ...]:
        """(phrase, action) pairs for a menu (or a menu's id): choices' words, then the standard keys'."""
        if isinstance(menu, str):
            menu = self.flow.nodes[menu]
        table = []
        for choice in menu.choices:
            for phrase in self._words(language, choice.prompt) + self._words(language, f"digit.{choice.key}"):
                table.append((phrase, choice.key))
            table.append((choice.key, choice.key))
        for name, key in self.settings.keys.as_dict().items():
            for phrase in self._words(language, f"key.{name}") + self._words(language, f"digit.{key}"):
                table.append((phrase, key))
        return tuple(table)

    def classify(self, menu: model.Menu, language: str, digits: str, speech: str) -> str | None:
        """A key press or words -> a choice key, a standard key, 'wrong', or None (silence)."""
        keys = set(self.settings.keys.as_dict().values())
        if digits:
            return digits if (menu.choice(digits) or digits in keys) else "wrong"
        if not speech:
            return None
        # Words for two different choices ("prison" and "release") are not guessed between.
        found = heard_actions(normalise(speech), self._speech(menu, language))
        if len(found) == 1:
            return found.pop()
        return "wrong"
