"""The booking dialogue without HTTP: (step, answers so far, input) -> (Reply, answers, effect)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ivr.callbacks.dialogue import Booking, Draft
from ivr.engine import CallState, Engine, Gather
from ivr.flow import load_flow
from tests.conftest import OPEN, ROOT

from .conftest import MOBILE


@pytest.fixture(scope="module")
def booking():
    return Booking(Engine(load_flow(ROOT / "flows.yaml", ROOT / "prompts")))


EN = CallState("en-GB")


def words(reply) -> str:
    return " ".join(u.text for step in reply.steps if isinstance(step, Gather) for u in step.utterances)


def test_a_withheld_caller_is_asked_to_key_in_a_number(booking):
    outcome = booking.start("callback", EN, "anonymous")
    assert outcome.draft == Draft("callback", "number")
    gather = outcome.reply.steps[0]
    assert (gather.route, gather.node, gather.num_digits, gather.finish_on_key) == (
        "callback",
        "callback/number",
        None,
        "#",
    )


def test_the_callers_own_number_is_offered_by_its_last_three_digits(booking):
    outcome = booking.start("callback", EN, MOBILE)
    assert outcome.draft == Draft("callback", "own", offered=MOBILE)
    assert "the number ending four five six." in words(outcome.reply)
    assert [p for u in outcome.reply.steps[0].utterances for p in u.parts][:4] == [
        "callback.own.ask",
        "sys.digit.4",
        "sys.digit.5",
        "sys.digit.6",
    ]


def test_the_last_answer_asks_for_the_booking_to_be_stored(booking):
    draft = Draft("callback", "identify", offered=MOBILE, number=MOBILE, when="any", voicemail="no")
    outcome = booking.answer(draft, EN, "2", "", OPEN)
    assert outcome.book and outcome.reply is None
    assert outcome.draft.safety == {"when": "any", "voicemail": "no", "identify": "no"}


def test_a_refused_number_counts_a_try_and_the_third_leaves_for_the_fail_node(booking):
    draft = Draft("callback", "number")
    first = booking.answer(draft, EN, "999", "", OPEN)
    assert first.draft.tries == 1 and words(first.reply).startswith("We cannot call you back on an emergency")
    third = booking.answer(replace(draft, tries=2), EN, "12", "", OPEN)
    assert third.draft is None and third.reply.steps[0].node == "callback_failed"


def test_back_walks_the_questions_and_leaves_from_the_first(booking):
    when = Draft("callback", "when", offered=MOBILE, number=MOBILE)
    assert booking.answer(when, EN, "#", "", OPEN).draft.step == "own"
    keyed = Draft("callback", "when", number="+442079460101")
    assert booking.answer(keyed, EN, "#", "", OPEN).draft.step == "confirm"
    left = booking.answer(Draft("callback", "own", offered=MOBILE), EN, "#", "", OPEN)
    assert left.draft is None and left.reply.steps[0].node == "main"


@pytest.mark.parametrize("stored", [None, [], {"node": "callback"}, {"node": "callback", "step": "hack"}])
def test_a_stored_draft_that_is_not_one_is_ignored(stored):
    assert Draft.from_dict(stored) is None
