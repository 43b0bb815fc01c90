"""Phone numbers said in the words match the line's numbers (issue 26, item 1): a table of the ways
people write a number, in digits, in words and mixed, each either one of settings.numbers or refused
naming the numbers it could mean."""

from __future__ import annotations

import pytest

from ivr.flow import load_flow
from ivr.flow.spoken_numbers import numbers_said, unknown_numbers
from tests.conftest import ROOT

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
NUMBERS = FLOW.settings.numbers  # helpline +448457585112 ("0845 758 5112"), police +442079460101 ("101")
HELPLINE = "the helpline number, 0845 758 5112"
POLICE = "the police number, 101"

# (how it is written, the numbers a refusal names; None: it is one of the line's numbers)
TABLE = [
    ("0845 758 5112", None),
    ("08457585112", None),
    ("0845-758-5112", None),
    ("(0845) 758 5112", None),
    ("+44 845 758 5112", None),
    ("+448457585112", None),
    ("+44 (0)845 758 5112", None),
    ("0044 845 758 5112", None),
    ("oh eight four five seven five eight five one one two", None),
    ("zero eight four five, seven five eight, five one one two", None),
    ("oh eight four five, seven five eight, five double one two", None),
    ("plus four four, eight four five, seven five eight, five one one two", None),
    ("dim wyth pedwar pump, saith pump wyth, pump un un dau", None),
    ("020 7946 0101", None),  # the police line's E.164, written as dialled
    ("0845 758 5113", [HELPLINE]),
    ("08457585113", [HELPLINE]),
    ("+44 845 758 5113", [HELPLINE]),
    ("oh eight four five seven five eight five one one three", [HELPLINE]),
    ("0845 758 five double one three", [HELPLINE]),
    ("0800 123 4567", [HELPLINE, POLICE]),  # like neither: every number the line has is named
]


@pytest.mark.parametrize(("written", "could_mean"), TABLE, ids=[w for w, _ in TABLE])
def test_a_number_in_the_words_is_one_of_the_lines_numbers_or_refused(written, could_mean):
    text = f"You can phone the helpline on {written}. Take care."
    assert [s.written for s in numbers_said(text)] == [written]
    messages = unknown_numbers(text, NUMBERS)
    if could_mean is None:
        assert messages == []
        return
    [message] = messages
    assert message.startswith(f"The number {written} is not one of the line's numbers")
    named = message.split("Did you mean ", 1)[1].split("?", 1)[0]
    assert named == " or ".join(could_mean)


@pytest.mark.parametrize(
    "text",
    [
        "If you are in danger now, hang up and call 999.",
        "Otherwise, you can call the police on 101.",
        "It is open Monday to Friday, 9am to 5pm, except bank holidays.",
        "For a number outside the UK, start with 0 0 and the country code.",
        "Call 999, 101 or 112.",
        "within 2 working days, at the time you chose",
        "There are 4 choices. For the morning, press 1.",
        "A UK number has 11 digits and starts with 0.",
    ],
)
def test_words_that_are_not_phone_numbers_are_left_alone(text):
    assert numbers_said(text) == []


def test_the_shipped_words_say_only_the_lines_numbers():
    for language, texts in FLOW.prompts.texts.items():
        for prompt_id, text in texts.items():
            assert unknown_numbers(text, NUMBERS) == [], (language, prompt_id)
    said = [s for t in FLOW.prompts.texts["en-GB"].values() for s in numbers_said(t)]
    assert len(said) >= 8  # the helpline number is said in many prompts, and each was matched
