"""Checks on one prompt's words, as staff type them and when they save.

Plain functions, no Flask. Each finding is an error (the words cannot be saved
or published) or advice (shown, not blocking).

The readability measure is deliberately simple and documented here, since no
formula fits both English and Welsh telephone speech:
- words per sentence: a sentence over 20 words is hard to hold in mind when
  heard once; over 15 on average is advice to split.
- long words: a word of three or more syllables (counted as groups of vowels,
  with w and y as vowels in Welsh); more than one in five words is advice.
Speaking time assumes about 150 words a minute (2.5 a second), a calm phone pace.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import phonenumbers

from ..flow.spoken_numbers import unknown_numbers
from ..flow.wording import KEY_GUIDE_PROMPT, MAX_PROMPT_WORDS, key_guide_missing

WORDS_PER_SECOND = 2.5
MAX_SENTENCE_WORDS = 20
ADVISED_AVERAGE_SENTENCE = 15
ADVISED_LONG_WORD_SHARE = 0.2
MAX_CHARACTERS = 600
# Punctuation a voice reads as a pause or not at all; anything else that is not a letter or digit
# is either read out as a symbol name ("asterisk", "hash") or breaks speech markup.
SAYABLE_PUNCTUATION = set(" .,;:!?'\"’‘“”-–—()/&%£€\n")
_SENTENCE = re.compile(r"[.!?]+(?:\s+|$)")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_DIGIT_RUN = re.compile(r"(?<![\d])\+?\d{5,}(?![\d])")


@dataclass
class Finding:
    severity: str  # error | advice
    message: str


@dataclass
class Report:
    words: int = 0
    characters: int = 0
    seconds: float = 0.0
    sentences: int = 0
    words_per_sentence: float = 0.0
    long_words: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [f.message for f in self.findings if f.severity == "error"]

    @property
    def advice(self) -> list[str]:
        return [f.message for f in self.findings if f.severity == "advice"]

    def as_dict(self) -> dict:
        out = asdict(self)
        out["errors"], out["advice"] = self.errors, self.advice
        out["ok"] = not self.errors
        return out


def syllables(word: str, language: str) -> int:
    vowels = "aeiouyâêîôûŵŷäëïöüáéíóúàèìòù" + ("w" if language.startswith("cy") else "")
    groups = re.findall(f"[{vowels}]+", word.lower())
    count = len(groups)
    if not language.startswith("cy") and word.lower().endswith("e") and count > 1:
        count -= 1  # a silent final e in English
    return max(count, 1)


def grouped(digits: str) -> str:
    """A long number written the way it should be spoken: UK numbers as dialled, others in threes."""
    try:
        parsed = phonenumbers.parse(digits, "GB")
        if phonenumbers.is_possible_number(parsed):
            fmt = phonenumbers.PhoneNumberFormat.INTERNATIONAL if digits.startswith("+") else None
            return phonenumbers.format_number(parsed, fmt or phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        pass
    return " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def unsayable(text: str) -> list[str]:
    bad = []
    for char in text:
        if char.isalnum() or char in SAYABLE_PUNCTUATION:
            continue
        if char not in bad:
            bad.append(char)
    return bad


def _describe(char: str) -> str:
    name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
    return f"{char!r} ({name})" if char.isprintable() and not char.isspace() else name


def check_text(
    text: str, language: str = "en-GB", numbers: Mapping | None = None, prompt_id: str = "", keys=None
) -> Report:
    """Check one prompt's words in one language; with `numbers` (the line's settings.numbers), every phone
    number the words say must be one of them; with `keys`, the key guide (`prompt_id`) names every standard key."""
    report = Report()
    stripped = text.strip()
    report.characters = len(stripped)
    if not stripped:
        report.findings.append(Finding("error", "Enter the words the line should say"))
        return report
    words = _WORD.findall(stripped) + re.findall(r"\d+", stripped)
    report.words = len(words)
    report.seconds = round(report.words / WORDS_PER_SECOND, 1)
    if report.words > MAX_PROMPT_WORDS:
        report.findings.append(
            Finding(
                "error",
                f"The words are too long to hear in one go: {report.words} words, about {report.seconds:.0f} seconds. "
                f"Use at most {MAX_PROMPT_WORDS} words (about {MAX_PROMPT_WORDS / WORDS_PER_SECOND:.0f} seconds); split it into two prompts",
            )
        )
    if report.characters > MAX_CHARACTERS:
        report.findings.append(
            Finding("error", f"Use at most {MAX_CHARACTERS} characters; this has {report.characters}")
        )

    bad = unsayable(stripped)
    if bad:
        report.findings.append(
            Finding(
                "error",
                "The voice cannot say " + ", ".join(_describe(c) for c in bad) + ". Write it in words instead "
                "(for example 'star' and 'hash' for the keys)",
            )
        )
    for run in _DIGIT_RUN.findall(stripped):
        report.findings.append(
            Finding(
                "error",
                f"The number {run} would be read as one huge number. Write it in groups, like {grouped(run)}",
            )
        )

    for message in unknown_numbers(stripped, numbers) if numbers is not None else ():
        report.findings.append(Finding("error", message))
    if keys is not None and prompt_id == KEY_GUIDE_PROMPT:
        report.findings += [Finding("error", message) for message in key_guide_missing(stripped, keys)]

    sentences = [s for s in _SENTENCE.split(stripped) if _WORD.search(s) or re.search(r"\d", s)]
    report.sentences = max(len(sentences), 1)
    report.words_per_sentence = round(report.words / report.sentences, 1)
    longest = max((len(_WORD.findall(s)) + len(re.findall(r"\d+", s)) for s in sentences), default=0)
    if longest > MAX_SENTENCE_WORDS:
        report.findings.append(
            Finding(
                "advice",
                f"One sentence has {longest} words; callers hear it once, so keep sentences under {MAX_SENTENCE_WORDS} words",
            )
        )
    elif report.words_per_sentence > ADVISED_AVERAGE_SENTENCE:
        report.findings.append(
            Finding(
                "advice", f"Sentences average {report.words_per_sentence} words; shorter sentences are easier to follow"
            )
        )
    report.long_words = [w for w in _WORD.findall(stripped) if syllables(w, language) >= 3]
    if report.words >= 5 and len(report.long_words) / report.words > ADVISED_LONG_WORD_SHARE:
        report.findings.append(
            Finding(
                "advice",
                f"{len(report.long_words)} of {report.words} words are long ({', '.join(report.long_words[:5])}); "
                "plain, short words are easier to understand on the phone",
            )
        )
    return report
