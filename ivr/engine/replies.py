"""What the engine answers with (pure data): the caller's state carried in the URLs, and a reply's steps
(speak, gather, redirect, dial, hang up) that ivr.line.twiml turns into TwiML."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..flow import model

MAX_COUNT = 9


@dataclass(frozen=True)
class CallState:
    """Everything the line remembers about a call, carried in its URLs."""

    language: str
    more_time: bool = False
    silences: int = 0
    wrong: int = 0

    def fresh(self) -> CallState:
        """The same caller at a new step: counts start again."""
        return replace(self, silences=0, wrong=0)

    def as_query(self) -> dict[str, str]:
        return {
            "l": self.language,
            "m": "1" if self.more_time else "0",
            "s": str(self.silences),
            "w": str(self.wrong),
        }

    @classmethod
    def from_query(cls, args, flow: model.Flow) -> CallState:
        """Read the state from URL parameters; anything junk falls back to a safe default."""
        language = args.get("l", "")
        if language not in flow.settings.languages:
            language = flow.settings.default_language

        def count(name):
            value = args.get(name, "0")
            return min(int(value), MAX_COUNT) if value.isascii() and value.isdigit() and len(value) < 3 else 0

        return cls(language, args.get("m") == "1", count("s"), count("w"))


@dataclass(frozen=True)
class Utterance:
    """Words said in one breath: `parts` are prompt ids (clips), `text` the whole; `pause` asks
    for a pause after it (a group of a number read back: its clips carry the pause themselves)."""

    text: str
    language: str
    parts: tuple[str, ...]
    pause: bool = False


@dataclass(frozen=True)
class Speak:
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)
class Gather:
    """Listen for one key (or words) while saying `utterances`; post to the input URL.

    A number is gathered with `num_digits` None and `finish_on_key` "#"; `route`
    names the URL family the answer goes to (see twiml.ROUTES).
    """

    node: str
    state: CallState
    utterances: tuple[Utterance, ...]
    timeout: int
    speech: bool
    hints: tuple[str, ...]
    action_on_empty: bool
    route: str = "input"
    num_digits: int | None = 1
    finish_on_key: str = ""


@dataclass(frozen=True)
class Redirect:
    route: str  # "node" (enter a node), "input" (answer a node with no input), "callback" (a booking step)
    node: str
    state: CallState


@dataclass(frozen=True)
class Dial:
    """Put the caller through. `whisper`: the answering person first hears the call's language
    (the line's whisper webhook for this node), before the two are connected."""

    node: str
    state: CallState
    number: str
    timeout: int
    whisper: bool = False


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class Reply:
    """One webhook's answer: steps in order, whether speech is slowed, and the node it
    is at ("" when no node of the tree is: a booking's own question)."""

    steps: tuple
    language: str
    slow: bool
    node: str = ""
