"""Words a caller said, matched to what they mean: a whole phrase, never a word inside it, and not when
negated ("I'm not in danger"). Pure text functions the engine's menus use."""

from __future__ import annotations

import functools
import re


def normalise(text: str) -> str:
    return " " + re.sub(r"[^\w]+", " ", text.lower()).strip() + " "


@functools.lru_cache(maxsize=4096)
def _needle(phrase: str) -> str:
    """A phrase from the words lists, normalised like what is heard ("fi'n ôl" -> " fi n ôl ")."""
    return normalise(phrase)


def heard_actions(heard: str, table) -> set[str]:
    """The actions of the phrases found in `heard` (normalised), leaving out any phrase
    heard only inside a longer one ("back" inside "call me back")."""
    spans = []
    for phrase, action in table:
        needle = _needle(phrase)
        start = heard.find(needle)
        while start != -1:
            spans.append((start, start + len(needle), action))
            start = heard.find(needle, start + 1)
    return {
        action
        for start, end, action in spans
        if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans)
    }


# Words checked on every menu before its own choices (prompts' `words:` ids), in order:
# the first group heard wins. Danger first, so "scared, get me a person" is danger; a
# callback before a person, so "can someone call me back" books one.
EVERY_MENU = ("every.danger", "every.callback", "every.person")

# Words that undo a phrase said just after them ("not the police", "dim heddlu").
NEGATIONS = frozenset({"not", "no", "don", "dont", "never", "isn", "ddim", "nid", "nad", "dim"})


def negated(heard: str, start: int) -> bool:
    """Whether one of the two words before position `start` in `heard` is a negation
    (the "t" of "don't", heard as "don t", is not counted as a word)."""
    before = [word for word in heard[:start].split() if word != "t"]
    return bool(NEGATIONS.intersection(before[-2:]))


def heard_unnegated(heard: str, phrases) -> bool:
    """Whether any of `phrases` is heard in `heard` (normalised) without a negation before it."""
    for phrase in phrases:
        needle = _needle(phrase)
        start = heard.find(needle)
        while start != -1:
            if not negated(heard, start):
                return True
            start = heard.find(needle, start + 1)
    return False
