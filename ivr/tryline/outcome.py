"""What a saved test call checks: where the call ends, whether it reaches a person, whether
the line ever goes silent, and the words it says, turn by turn; and the differences
between the call as saved and the same call replayed against new words or a new tree.

Ending somewhere else, going silent or no longer reaching a person block a publish
(unless an admin confirms); changed words alone are shown, and accepted by staff.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass

from markupsafe import Markup, escape

from .runner import Result

REFERENCE = "[reference]"


@dataclass(frozen=True)
class Outcome:
    end: str  # the node the call ended at, or waits at after the last input
    ended: bool  # the line hung up
    person: bool  # put through to a person (answered), or a callback booked
    silent: int  # turns in which the line said nothing before waiting or ending
    used: int  # inputs the line took (fewer than saved: it stopped listening first)
    turns: tuple[str, ...]  # what the line said before the first input, then after each

    @classmethod
    def of(cls, result: Result) -> Outcome:
        turns: list[list[str]] = [[]]
        references = [e.detail for e in result.events if e.kind == "booking" and e.detail]
        for event in result.events:
            if event.kind == "you":
                turns.append([])
            elif event.kind in ("say", "transfer", "booking"):
                turns[-1].append(_mask(event.text, references))
        said = tuple(" ".join(t) for t in turns)
        silent = sum(1 for t in said if not t.strip())
        return cls(result.node, result.waiting == "", result.reached_person, silent, result.inputs_used, said)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Outcome:
        data = json.loads(text)
        return cls(data["end"], data["ended"], data["person"], data["silent"], data["used"], tuple(data["turns"]))


def _mask(text: str, references: list[str]) -> str:
    """A booking's reference is new on every run: compare it as [reference], however it is spoken."""
    for reference in references:
        pattern = r"[\s,.]*".join(re.escape(d) for d in reference)
        text = re.sub(pattern, REFERENCE, text)
    return text


@dataclass(frozen=True)
class Difference:
    kind: str  # end, person, silent, inputs, words
    message: str
    blocking: bool
    turn: int = -1  # for words: the turn (0 before any input)
    before: str = ""
    after: str = ""

    def diff(self) -> Markup:
        return word_diff(self.before, self.after)


def compare(saved: Outcome, now: Outcome, total_inputs: int, place=str) -> list[Difference]:
    """What changed, blocking differences first. `place(node id)` names a step for staff."""
    out = []
    if now.used != saved.used:
        out.append(
            Difference(
                "inputs",
                f"The line now takes {now.used} of the {total_inputs} saved keys and words (it took {saved.used}).",
                now.used < saved.used,
            )
        )
    if now.end != saved.end or now.ended != saved.ended:
        was = f"{'ended' if saved.ended else 'waited'} at {place(saved.end)}"
        verb = "ends" if now.ended else "waits"
        out.append(Difference("end", f"The call now {verb} at {place(now.end)} (it {was}).", True))
    if saved.person and not now.person:
        out.append(
            Difference("person", "The call no longer reaches a person (no transfer answered, no callback).", True)
        )
    if now.silent > saved.silent:
        out.append(Difference("silent", "The line now says nothing at a step where it spoke before.", True))
    for index in range(max(len(saved.turns), len(now.turns))):
        before = saved.turns[index] if index < len(saved.turns) else ""
        after = now.turns[index] if index < len(now.turns) else ""
        if before != after:
            where = "before the first key" if index == 0 else f"after input {index}"
            out.append(Difference("words", f"The words changed {where}.", False, index, before, after))
    return sorted(out, key=lambda d: not d.blocking)


def word_diff(old: str, new: str) -> Markup:
    """Deleted words struck, added words underlined (said in words for screen readers)."""
    a, b = old.split(), new.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(
                Markup('<del><span class="govuk-visually-hidden">removed: </span>{}</del>').format(" ".join(a[i1:i2]))
            )
        if j2 > j1:
            parts.append(
                Markup('<ins><span class="govuk-visually-hidden">added: </span>{}</ins>').format(" ".join(b[j1:j2]))
            )
    return Markup(" ").join(parts)
