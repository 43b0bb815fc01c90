"""Phone numbers said in the words: found in every form people write them ("0845 758 5112", "08457585112",
"+44 (0)845 758 5112", "oh eight four five, seven five eight, five one one two", "double one"), and matched
with the phonenumbers library against the line's own numbers (flows.yaml `settings.numbers`).

A caller who is told a wrong number may ring no one, or a stranger. So a number in the words that is not
one of the configured numbers is refused: at the field as an editor types, at publish, and by `ivr check`
(ivr.flow.wording), with the configured numbers it could mean. Pure: no Flask, no database.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers

from . import model

# A run of at least this many digits is a phone number (116 123 has six); shorter runs are keys, times,
# counts or the emergency numbers (999, 112), which are not in settings.numbers.
MIN_DIGITS = 6

# Digits as words, English and Welsh ("oh" and "o" for 0, as people read numbers out).
DIGIT_WORDS = {
    **{w: str(n) for n, w in enumerate("zero one two three four five six seven eight nine".split())},
    "oh": "0", "o": "0", "nought": "0", "nil": "0",
    "dim": "0", "sero": "0", "un": "1", "dau": "2", "dwy": "2", "tri": "3", "tair": "3", "pedwar": "4",
    "pedair": "4", "pump": "5", "pum": "5", "chwech": "6", "chwe": "6", "saith": "7", "wyth": "8", "naw": "9",
}  # fmt: skip
REPEAT_WORDS = {"double": 2, "dwbl": 2, "triple": 3, "treble": 3, "trebl": 3}
PLUS_WORDS = {"plus"}

# Tokens: a leading +, the "(0)" written after a country code, digits (not "9am"), words, anything else.
_TOKEN = re.compile(r"\s+|\+|\(0\)|\d+(?![^\W\d_])|[^\W\d_]+(?:['’][^\W\d_]+)*|\d+[^\W\d_]+|.", re.UNICODE)


@dataclass(frozen=True)
class SaidNumber:
    """A phone number in the words: as written, and its digits (with a leading + when written with one)."""

    written: str
    digits: str


def _kind(token: str) -> str:
    low = token.lower()
    if token.isspace():
        return "space"
    if token == "+" or low in PLUS_WORDS:
        return "plus"
    if token == "(0)":
        return "trunk"
    if token.isdigit():
        return "digits"
    if low in DIGIT_WORDS:
        return "word"
    if low in REPEAT_WORDS:
        return "repeat"
    if token in "-()":
        return "joiner"
    if token == ",":
        return "comma"
    return "other"


def numbers_said(text: str) -> list[SaidNumber]:
    """Every phone number written in `text`, in digits, in words or mixed."""
    tokens = [(m.group(), _kind(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[SaidNumber] = []
    i = 0
    while i < len(tokens):
        opens = tokens[i][0] == "(" and i + 1 < len(tokens) and tokens[i + 1][1] == "digits"  # "(0845) 758 5112"
        if tokens[i][1] not in ("plus", "digits", "word", "repeat") and not opens:
            i += 1
            continue
        digits, start, end, repeat, j = "", tokens[i][2], tokens[i][3], 1, i
        last = ""  # the kind of the last token taken that says digits
        while j < len(tokens):
            token, kind, _, stop = tokens[j]
            if kind == "plus" and not digits:
                digits = "+"
            elif kind == "trunk" and digits.startswith("+"):
                pass  # "+44 (0)845": the 0 is not dialled after a country code
            elif kind in ("digits", "word"):
                digit = token if kind == "digits" else DIGIT_WORDS[token.lower()]
                digits += digit * repeat
                repeat, last = 1, kind
            elif kind == "repeat" and j + 1 < len(tokens):
                repeat = REPEAT_WORDS[token.lower()]
            elif kind in ("space", "joiner") or (kind == "comma" and last == "word"):
                j += 1
                continue  # between the groups of one number
            else:
                break
            end = stop
            j += 1
        if sum(ch.isdigit() for ch in digits) >= MIN_DIGITS:
            found.append(SaidNumber(text[start:end].strip(" ,-"), digits))
        i = max(j, i + 1)
    return found


def _parsed(digits: str) -> tuple[int, int] | None:
    try:
        number = phonenumbers.parse(digits, "GB")
    except phonenumbers.NumberParseException:
        return None
    return number.country_code, number.national_number


def _national(number: model.PhoneNumber) -> str:
    parsed = _parsed(number.e164)
    return str(parsed[1]) if parsed else number.e164.lstrip("+")


def matches(said: SaidNumber, number: model.PhoneNumber) -> bool:
    """Whether `said` is `number` (its E.164, or the digits of its spoken form, such as 101)."""
    spoken = re.sub(r"\D", "", number.spoken)
    if spoken and said.digits.lstrip("+") == spoken:
        return True
    mine = _parsed(said.digits)
    return mine is not None and mine == _parsed(number.e164)


def could_mean(said: SaidNumber, numbers: Mapping[str, model.PhoneNumber]) -> list[model.PhoneNumber]:
    """The configured numbers `said` is closest to (a digit or two apart), else all of them."""
    mine = _parsed(said.digits)
    digits = str(mine[1]) if mine else said.digits.lstrip("+")
    scored = [
        (difflib.SequenceMatcher(a=digits, b=_national(n), autojunk=False).ratio(), n) for n in numbers.values()
    ]
    close = [n for ratio, n in sorted(scored, key=lambda x: -x[0]) if ratio >= 0.7]
    return close or list(numbers.values())


def unknown_numbers(text: str, numbers: Mapping[str, model.PhoneNumber]) -> list[str]:
    """A message, in words, for each number in `text` that is not one of `numbers` ([] when all are)."""
    messages = []
    for said in numbers_said(text):
        if any(matches(said, n) for n in numbers.values()):
            continue
        options = could_mean(said, numbers)
        named = " or ".join(f"the {n.name} number, {n.spoken}" for n in options)
        guess = f"Did you mean {named}?" if options else "The line has no numbers set in flows.yaml."
        messages.append(
            f"The number {said.written} is not one of the line's numbers, so callers could be told a number "
            f"nobody has checked. {guess} Write the number exactly as set for the line, or ask an admin to add "
            "it to the line's numbers (settings.numbers in flows.yaml) first"
        )
    return messages
