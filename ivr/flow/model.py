"""The validated call tree: frozen dataclasses the engine walks. No YAML here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType

# A prompt's companion, said right after it only in a language the line listens for words in
# ("You can also say what you want"): a keys-only language never invites speech.
SPEECH_COMPANION = ".speech"
# The standard keys' introduction ("press 0 to talk to a person..."), said once early in every call: it must
# name every standard key (ivr.flow.wording), and those keys do what it says even while it plays (the engine).
KEY_GUIDE_PROMPT = "keys.intro"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Language:
    code: str
    say_voice: str
    speech_language: str
    espeak_voice: str
    # Whether Twilio recognises speech in this language: False is keys only (<Gather input="dtmf">),
    # since a <Gather> asking for speech in a language Twilio does not support fails as a whole.
    speech: bool = False


@dataclass(frozen=True)
class PhoneNumber:
    name: str
    e164: str
    spoken: str
    status: str

    @property
    def verified(self) -> bool:
        return self.status == "verified"


@dataclass(frozen=True)
class OpeningHours:
    """When a line is staffed, in its own time zone; `holidays` are extra closed dates (bank holidays come from ivr.flow.hours)."""

    name: str
    timezone: str
    open: tuple[tuple[tuple[dt.time, dt.time], ...], ...]  # one entry per weekday, Monday first
    holidays: frozenset[dt.date]

    def is_open(self, now: dt.datetime) -> bool:
        """Whether the line is open at `now` (an aware datetime, any zone): weekly hours, bank holidays, closures."""
        from . import hours as line_calendar

        return line_calendar.is_open(self, now)


@dataclass(frozen=True)
class Keys:
    """The standard keys, the same on every menu."""

    person: str
    repeat: str
    back: str
    more_time: str

    def as_dict(self) -> dict[str, str]:
        return {
            "person": self.person,
            "repeat": self.repeat,
            "back": self.back,
            "more_time": self.more_time,
        }


@dataclass(frozen=True)
class Settings:
    entry: str
    default_language: str
    languages: MappingProxyType  # code -> Language
    timeout_normal: int
    timeout_more_time: int
    timeout_dial: int
    rate_normal: int
    rate_slow: int
    retries_no_input: int
    retries_wrong_key: int
    keys: Keys
    person_route: str
    numbers: MappingProxyType  # name -> PhoneNumber
    hours: MappingProxyType  # name -> OpeningHours
    # A callback is due this many working days after booking; callback.next says the same figure.
    callback_working_days: int = 2
    # The language whose greeting and choice are said first at the language menu ("" = default_language).
    first_language: str = ""
    # Seconds with no key or word after which a call ends kindly (caller rule 12).
    silence_end_normal: int = 300
    silence_end_more_time: int = 600


@dataclass(frozen=True)
class Node:
    id: str
    line: int

    kind = "node"

    def targets(self) -> tuple[str, ...]:
        """Every node id this node can lead to."""
        return ()


# How a key is named in a prompt id: "press 2." is sys.press.2, "press hash." sys.press.hash.
KEY_PROMPT_NAMES = {"*": "star", "#": "hash"}


def press_prompt(key: str) -> str:
    """The prompt id that says "press <key>." ("sys.press.2", "sys.press.hash")."""
    return f"sys.press.{KEY_PROMPT_NAMES.get(key, key)}"


# A number read back in groups: the digit that ends a group is played from its own clip, the words
# of sys.digit.N then a pause (ivr.audio.clips renders it), so play mode pauses between groups too.
GROUP_END = " then a pause"


def group_end(prompt_id: str) -> str:
    """The clip id of `prompt_id` said at the end of a group, with a pause after it."""
    return prompt_id + GROUP_END


@dataclass(frozen=True)
class Choice:
    """One entry of a menu: its words are said before its key."""

    key: str
    prompt: str
    goto: str
    line: int


@dataclass(frozen=True)
class Guidance(Node):
    prompts: tuple[str, ...] = ()
    next: str = ""
    kind = "guidance"

    def targets(self):
        return (self.next,)

    @property
    def plays_key_guide(self) -> bool:
        """Whether this guidance says the standard keys' introduction (its keys work while it plays)."""
        return KEY_GUIDE_PROMPT in self.prompts


@dataclass(frozen=True)
class Menu(Node):
    choices: tuple[Choice, ...] = ()
    back: str = ""
    intro: tuple[str, ...] = ()
    kind = "menu"

    def targets(self):
        return tuple(c.goto for c in self.choices) + (self.back,)

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class LanguageChoice:
    key: str
    language: str
    prompt: str
    line: int


@dataclass(frozen=True)
class LanguageMenu(Node):
    prompts: tuple[str, ...] = ()
    choices: tuple[LanguageChoice, ...] = ()
    next: str = ""
    kind = "language"

    def targets(self):
        return (self.next,)


@dataclass(frozen=True)
class HoursBranch(Node):
    hours: str = ""
    open: str = ""
    closed: str = ""
    kind = "hours"

    def targets(self):
        return (self.open, self.closed)


@dataclass(frozen=True)
class Transfer(Node):
    number: str = ""
    prompts: tuple[str, ...] = ()
    on_fail: str = ""
    after: str = ""
    kind = "transfer"

    def targets(self):
        return (self.on_fail, self.after)


# The words the callback booking says besides a node's own prompts (ivr.callbacks.dialogue):
# every callback node uses them all, so `ivr check` wants them in every language.
CALLBACK_PROMPTS = (
    "callback.unavailable",
    "callback.already",
    "callback.limit",
    "callback.own.ask",
    "callback.own.yes",
    "callback.own.other",
    "callback.number.ask",
    "callback.number.silence",
    "callback.number.back",
    "callback.number.again",
    "callback.number.not_digits",
    "callback.number.too_short",
    "callback.number.too_long",
    "callback.number.invalid",
    "callback.number.premium",
    "callback.number.emergency",
    "callback.number.give_up",
    "callback.confirm.heard",
    "callback.confirm.yes",
    "callback.confirm.again",
    "callback.when.ask",
    "callback.when.morning",
    "callback.when.afternoon",
    "callback.when.evening",
    "callback.when.any",
    "callback.voicemail.ask",
    "callback.voicemail.yes",
    "callback.voicemail.no",
    "callback.identify.ask",
    "callback.identify.yes",
    "callback.identify.no",
    "callback.helpline.when.ask",  # the helpline's own callback asks in its name
    "callback.helpline.identify.ask",
    "callback.helpline.identify.yes",
    "callback.booked",
    "callback.reference",
    "callback.reference.again",
    "callback.next",
    "callback.next.helpline",
    "callback.wait",
    "callback.done.reference",
    "callback.done.finish",
    "topic.main",
    "sys.choices.2",
    "sys.choices.3",
    "sys.choices.4",
    "sys.press.hash",  # "To go back to the main menu, press hash." after the booking
) + tuple(f"sys.press.{n}" for n in range(1, 5))


@dataclass(frozen=True)
class Callback(Node):
    prompts: tuple[str, ...] = ()
    done: str = ""
    fail: str = ""
    # Who rings back: "liaison" (a victim liaison officer) or "helpline" (offered when the helpline
    # is closed or busy); recorded with the booking, and it chooses what the caller is told next.
    purpose: str = "liaison"
    kind = "callback"
    uses = CALLBACK_PROMPTS  # said by the booking's own questions

    def targets(self):
        return (self.done, self.fail)


@dataclass(frozen=True)
class Goodbye(Node):
    prompts: tuple[str, ...] = ()
    kind = "goodbye"


@dataclass(frozen=True)
class Prompts:
    """The words of every prompt in every language, and the words callers may say."""

    texts: MappingProxyType  # language -> {prompt id -> text}
    words: MappingProxyType  # language -> {prompt id or key.* or digit.* -> tuple of phrases}
    review: MappingProxyType  # language -> review status of the file
    fallback: MappingProxyType  # language -> language used where a prompt is missing

    def text(self, prompt_id: str, language: str) -> str:
        texts = self.texts.get(language, {})
        if prompt_id in texts:
            return texts[prompt_id]
        other = self.fallback.get(language)
        if other and prompt_id in self.texts.get(other, {}):
            return self.texts[other][prompt_id]
        raise KeyError(f"prompt {prompt_id!r} has no text in {language}")

    def has(self, prompt_id: str, language: str) -> bool:
        """Whether the prompt has words in `language` (or its fallback)."""
        if prompt_id in self.texts.get(language, {}):
            return True
        other = self.fallback.get(language)
        return bool(other) and prompt_id in self.texts.get(other, {})

    def language_of(self, prompt_id: str, language: str) -> str:
        """The language a prompt is really spoken in (its fallback when missing)."""
        if prompt_id in self.texts.get(language, {}):
            return language
        return self.fallback.get(language) or language


@dataclass(frozen=True)
class Flow:
    settings: Settings
    nodes: MappingProxyType  # id -> Node
    prompts: Prompts
    version: str
    files: tuple[str, ...] = field(default=())

    def node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    @property
    def main_menu(self) -> str:
        """Where a caller goes when their place in the tree no longer exists."""
        return "main" if "main" in self.nodes else self.settings.entry
