"""The engine without HTTP: classify, silence and wrong keys, more time, hours, transfers, cache."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from ivr import engine as e
from ivr.flow import load_flow

from .conftest import CLOSED, OPEN, ROOT

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def flow():
    return load_flow(ROOT / "flows.yaml", ROOT / "prompts")


@pytest.fixture
def engine(flow):
    return e.Engine(flow)


def state(language="en-GB", **counts) -> e.CallState:
    return e.CallState(language, **counts)


def utterances(reply: e.Reply) -> list[e.Utterance]:
    return [u for step in reply.steps for u in getattr(step, "utterances", ())]


def prompt_ids(reply: e.Reply) -> list[str]:
    return [part for u in utterances(reply) for part in u.parts]


def gather(reply: e.Reply) -> e.Gather:
    found = [s for s in reply.steps if isinstance(s, e.Gather)]
    assert len(found) == 1, reply.steps
    return found[0]


def dial(reply: e.Reply) -> e.Dial:
    found = [s for s in reply.steps if isinstance(s, e.Dial)]
    assert len(found) == 1, reply.steps
    return found[0]


# --- classify -----------------------------------------------------------------------

CLASSIFY = [
    # menu, language, digits, speech, expected
    ("main", "en-GB", "1", "", "1"),
    ("main", "en-GB", "4", "", "4"),
    ("main", "en-GB", "5", "", "wrong"),
    ("main", "en-GB", "a", "", "wrong"),
    ("main", "en-GB", "0", "", "0"),
    ("main", "en-GB", "*", "", "*"),
    ("main", "en-GB", "#", "", "#"),
    ("main", "en-GB", "9", "", "9"),
    ("help_menu", "en-GB", "4", "", "wrong"),
    ("main", "en-GB", "", "", None),
    ("main", "en-GB", "", "I need help please", "1"),
    ("main", "en-GB", "", "He wrote me letters from prison.", "2"),
    ("main", "en-GB", "", "he is being let out", "3"),
    ("main", "en-GB", "", "Protection", "4"),
    ("main", "en-GB", "", "two", "2"),
    ("main", "en-GB", "", "3", "3"),
    ("main", "en-GB", "", "Operator!", "0"),
    ("main", "en-GB", "", "can I have more time", "9"),
    ("main", "en-GB", "", "go back", "#"),
    ("main", "en-GB", "", "say that again", "*"),
    ("main", "en-GB", "", "bananas", "wrong"),
    ("main", "en-GB", "", "prison release", "wrong"),  # two choices: ask again, never guess
    ("main", "en-GB", "", "help, back", "wrong"),
    ("protection_menu", "en-GB", "", "please call me back", "1"),  # not the back key
    ("help_menu", "en-GB", "", "talk to someone", "0"),  # the helpline choice is key 0 itself
    ("release_menu", "en-GB", "", "the police", "1"),
    ("main", "cy-GB", "", "carchar", "2"),
    ("main", "cy-GB", "", "dau", "2"),
    ("main", "cy-GB", "", "Mae o'n cael ei ryddhau", "wrong"),  # a mutated form not in the list
    ("main", "cy-GB", "", "rhyddhau", "3"),
    ("main", "cy-GB", "", "pedair", "4"),
    ("main", "cy-GB", "", "mwy o amser", "9"),
    ("main", "cy-GB", "", "yn ôl", "#"),
    ("main", "cy-GB", "", "siarad â rhywun", "0"),
    ("main", "cy-GB", "", "carchar rhyddhau", "wrong"),
    ("protection_menu", "cy-GB", "", "ffonio fi'n ôl", "1"),
    ("protection_menu", "cy-GB", "", "Ffoniwch... ffonio'n ôl", "1"),
    ("prison_menu", "cy-GB", "", "clywed eto", "2"),  # hear again: 2 in every topic menu
    ("prison_menu", "cy-GB", "", "eto", "*"),
]


@pytest.mark.parametrize(("menu", "language", "digits", "speech", "expected"), CLASSIFY)
def test_classify(engine, flow, menu, language, digits, speech, expected):
    assert engine.classify(flow.nodes[menu], language, digits, speech) == expected


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
@pytest.mark.parametrize("menu_id", ["main", "help_menu", "prison_menu", "release_menu", "protection_menu"])
def test_every_choice_can_be_said_in_both_languages(engine, flow, menu_id, language):
    menu = flow.nodes[menu_id]
    for choice in menu.choices:
        for phrase in flow.prompts.words[language].get(choice.prompt, ()):
            assert engine.classify(menu, language, "", phrase) == choice.key, (menu_id, phrase)


# --- silence and wrong keys -------------------------------------------------------------


def test_first_silence_warns_and_offers_more_time_only(engine):
    reply = engine.answer("main", state(), "", "", OPEN)
    assert prompt_ids(reply) == ["sys.silence.first", "sys.silence.first.speech"]  # English listens for words
    assert gather(reply).state.silences == 1
    assert "press 9" in utterances(reply)[0].text


def test_second_silence_says_the_choices_again(engine):
    reply = engine.answer("main", state(silences=1), "", "", OPEN)
    assert prompt_ids(reply)[:2] == ["sys.silence.again", "sys.choices.4"]
    assert "main.protection" in prompt_ids(reply)
    assert gather(reply).state.silences == 2


def test_third_silence_puts_the_caller_through_when_open(engine, flow):
    reply = engine.answer("main", state(silences=2), "", "", OPEN)
    assert prompt_ids(reply) == ["sys.silence.person", "transfer.helpline"]
    assert dial(reply).number == flow.settings.numbers["helpline"].e164
    assert not any(isinstance(s, e.Hangup) for s in reply.steps)


def test_third_silence_when_closed_gives_the_number_and_a_callback(engine):
    reply = engine.answer("main", state(silences=2), "", "", CLOSED)
    ids = prompt_ids(reply)
    assert ids[0] == "helpline.closed"
    assert "offer.callback" in ids
    assert gather(reply).node == "helpline_closed"
    assert "0845 758 5112" in utterances(reply)[0].text


def test_wrong_keys_are_counted_apart_from_silence(engine):
    after_silences = engine.answer("main", state(silences=2), "7", "", OPEN)
    assert prompt_ids(after_silences)[0] == "sys.wrong_key"
    assert gather(after_silences).state.wrong == 1  # two silences did not make this a third strike
    after_wrongs = engine.answer("main", state(wrong=2), "", "", OPEN)
    assert prompt_ids(after_wrongs)[0] == "sys.silence.first"  # two wrong keys did not make this a third silence
    assert gather(after_wrongs).state == state(wrong=2, silences=1)


def test_a_wrong_key_says_so_and_repeats_the_choices(engine):
    reply = engine.answer("help_menu", state(), "8", "", OPEN)
    assert prompt_ids(reply)[:2] == ["sys.wrong_key", "sys.choices.4"]
    assert gather(reply).state.wrong == 1


def test_words_not_understood_are_said_so(engine):
    reply = engine.answer("help_menu", state(), "", "bananas", OPEN)
    assert prompt_ids(reply)[0] == "sys.not_understood"


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (OPEN, ["sys.wrong_key", "sys.wrong_key.person", "transfer.helpline"]),
        (CLOSED, ["sys.wrong_key", "helpline.closed"]),
    ],
)
def test_third_wrong_key_says_sorry_then_goes_towards_a_person(engine, now, said):
    reply = engine.answer("main", state(wrong=2), "7", "", now)
    assert prompt_ids(reply)[: len(said)] == said


# --- more time -------------------------------------------------------------------------------


def test_more_time_lasts_for_the_rest_of_the_call(engine, flow):
    reply = engine.answer("main", state(), "9", "", OPEN)
    assert prompt_ids(reply)[0] == "sys.more_time"
    assert reply.slow is True
    assert gather(reply).timeout == flow.settings.timeout_more_time
    slow = gather(reply).state
    assert slow.more_time is True
    guidance = engine.answer("main", slow, "3", "", OPEN)  # into guidance, then its menu
    assert guidance.slow is True
    redirect = guidance.steps[-1]
    assert redirect.state.more_time is True
    menu = engine.enter(redirect.node, redirect.state, OPEN)
    assert (menu.slow, gather(menu).timeout) == (True, flow.settings.timeout_more_time)
    transfer = engine.answer("release_menu", gather(menu).state, "1", "", OPEN)
    assert transfer.slow is True
    assert dial(transfer).state.more_time is True


def test_normal_timeout_without_more_time(engine, flow):
    assert gather(engine.enter("main", state(), OPEN)).timeout == flow.settings.timeout_normal


# --- skipping and moving -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "target"),
    [("help", "help_menu"), ("keys_intro", "main"), ("helpline_number", "prison_menu"), ("main", "main")],
)
def test_skip_target(engine, node, target):
    assert engine.skip_target(node) == target


def test_any_key_in_guidance_skips_to_its_menu(engine):
    reply = engine.answer("protection", state(), "5", "", OPEN)
    assert gather(reply).node == "protection_menu"


def test_guidance_goes_on_to_its_menu_after_the_words(engine):
    reply = engine.enter("help", state(), OPEN)
    assert prompt_ids(reply) == ["help.skip", "help.result", "help.support"]
    assert reply.steps[-1] == e.Redirect("node", "help_menu", state())


@pytest.mark.parametrize(("key", "target"), [("1", "help_local"), ("2", "help"), ("#", "main")])
def test_menu_keys_lead_on(engine, key, target):
    reply = engine.answer("help_menu", state(), key, "", OPEN)
    first = reply.steps[0]
    assert first.node == target


def test_star_repeats_the_menu_and_clears_the_counts(engine):
    reply = engine.answer("main", state(silences=1, wrong=1), "*", "", OPEN)
    assert prompt_ids(reply)[0] == "sys.choices.4"
    assert gather(reply).state == state()


# --- the language choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "speech", "language"),
    [
        ("1", "", "en-GB"),
        ("2", "", "cy-GB"),
        ("", "Cymraeg os gwelwch yn dda", "cy-GB"),
        ("", "English", "en-GB"),
        ("", "", "en-GB"),
    ],
)
def test_the_language_choice(engine, digits, speech, language):
    reply = engine.answer("welcome", state(), digits, speech, OPEN)
    assert reply.language == language
    assert gather(reply).node == "keys_intro"


def test_a_wrong_key_at_the_language_choice_asks_again_then_goes_on_in_english(engine):
    first = engine.answer("welcome", state(), "5", "", OPEN)
    assert prompt_ids(first)[0] == "sys.wrong_key"
    assert gather(first).node == "welcome"
    last = engine.answer("welcome", gather(first).state.__class__("en-GB", wrong=2), "5", "", OPEN)
    assert gather(last).node == "keys_intro"


def test_a_welsh_caller_back_at_the_language_choice_stays_welsh_on_silence(engine):
    back = engine.answer("main", state("cy-GB"), "#", "", OPEN)
    assert gather(back).node == "welcome"
    reply = engine.answer("welcome", gather(back).state, "", "", OPEN)
    assert (reply.language, gather(reply).node) == ("cy-GB", "keys_intro")


@pytest.mark.parametrize(
    ("key", "first", "slow"),
    [
        ("0", "transfer.helpline", False),
        ("*", "welcome.greeting", False),
        ("#", "welcome.greeting", False),
        ("9", "sys.more_time", True),
    ],
)
def test_the_standard_keys_work_at_the_language_choice(engine, key, first, slow):
    reply = engine.answer("welcome", state(), key, "", OPEN)
    assert prompt_ids(reply)[0] == first
    assert reply.slow is slow
    if key != "0":
        assert gather(reply).node == "welcome"
        assert gather(reply).state == state(more_time=slow)


# --- opening hours ----------------------------------------------------------------------------------

HOURS = [
    (dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC), True),  # Wednesday morning (GMT)
    (dt.datetime(2026, 11, 25, 8, 59, tzinfo=LONDON), False),  # before opening
    (dt.datetime(2026, 11, 25, 9, 0, tzinfo=LONDON), True),  # opening minute
    (dt.datetime(2026, 11, 25, 16, 59, tzinfo=LONDON), True),
    (dt.datetime(2026, 11, 25, 17, 0, tzinfo=LONDON), False),  # closes at five
    (dt.datetime(2026, 11, 25, 19, 30, tzinfo=LONDON), False),  # evening
    (dt.datetime(2026, 11, 28, 11, 0, tzinfo=LONDON), False),  # Saturday
    (dt.datetime(2026, 11, 29, 11, 0, tzinfo=LONDON), False),  # Sunday
    (dt.datetime(2026, 12, 25, 11, 0, tzinfo=dt.UTC), False),  # Christmas Day, a Friday
    (dt.datetime(2026, 12, 28, 11, 0, tzinfo=dt.UTC), False),  # Boxing Day substitute
    (dt.datetime(2026, 8, 31, 11, 0, tzinfo=LONDON), False),  # summer bank holiday
    # British Summer Time: 08:30 UTC is 09:30 in London (open); 16:30 UTC is 17:30 (closed).
    (dt.datetime(2026, 6, 10, 8, 30, tzinfo=dt.UTC), True),
    (dt.datetime(2026, 6, 10, 16, 30, tzinfo=dt.UTC), False),
    # Greenwich Mean Time: 16:30 UTC is 16:30 in London (open); 08:30 UTC is 08:30 (closed).
    (dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC), True),
    (dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC), False),
    # The clocks went forward at 01:00 UTC on 29 March 2026; Monday 30 March 08:30 UTC is 09:30 BST.
    (dt.datetime(2026, 3, 30, 8, 30, tzinfo=dt.UTC), True),
    # Another zone: 04:00 in New York is 09:00 in London in November.
    (dt.datetime(2026, 11, 25, 4, 0, tzinfo=ZoneInfo("America/New_York")), True),
    # Just before midnight UTC on the eve of a holiday in summer is already the holiday in London.
    (dt.datetime(2026, 8, 30, 23, 30, tzinfo=dt.UTC), False),
]


@pytest.mark.parametrize(("now", "is_open"), HOURS)
def test_helpline_opening_hours(flow, now, is_open):
    assert flow.settings.hours["helpline"].is_open(now) is is_open


@pytest.mark.parametrize(("now", "node"), [(OPEN, "helpline_transfer"), (CLOSED, "helpline_closed")])
def test_the_hours_branch_follows_the_clock(engine, now, node):
    assert engine.resolve("to_helpline", now) == node
    reply = engine.answer("help_menu", state(), "0", "", now)
    assert reply.steps[-1].node in (node, "helpline_closed")
    assert any(getattr(s, "node", None) == node for s in reply.steps)


# --- transfers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "node", "first"),
    [
        ("completed", "goodbye", "goodbye"),
        ("busy", "helpline_unavailable", "sys.dial.busy"),
        ("no-answer", "helpline_unavailable", "sys.dial.no_answer"),
        ("failed", "helpline_unavailable", "sys.dial.failed"),
        ("canceled", "helpline_unavailable", "sys.dial.failed"),
        ("junk", "helpline_unavailable", "sys.dial.failed"),
    ],
)
def test_dial_result(engine, status, node, first):
    reply = engine.dial_result("helpline_transfer", state(), status, OPEN)
    assert prompt_ids(reply)[0] == first
    if status == "completed":
        assert isinstance(reply.steps[-1], e.Hangup)
    else:
        assert gather(reply).node == node
        assert "offer.callback" in prompt_ids(reply)


def test_police_transfer_says_999_first(engine, flow):
    reply = engine.answer("release_menu", state(), "1", "", OPEN)
    assert prompt_ids(reply) == ["transfer.police_danger", "transfer.police"]
    assert "999" in utterances(reply)[0].text
    assert dial(reply).number == flow.settings.numbers["police"].e164
    assert dial(reply).timeout == flow.settings.timeout_dial


# --- stale places and caching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda eng: eng.enter("gone", state(), OPEN),
        lambda eng: eng.answer("gone", state(), "1", "", OPEN),
        lambda eng: eng.dial_result("gone", state(), "busy", OPEN),
        lambda eng: eng.dial_result("main", state(), "busy", OPEN),
    ],
    ids=["enter", "answer", "dial", "dial-not-a-transfer"],
)
def test_a_stale_node_is_the_main_menu_with_an_apology(engine, call):
    reply = call(engine)
    assert prompt_ids(reply)[:2] == ["sys.stale", "sys.choices.4"]
    assert gather(reply).node == "main"


def test_the_same_input_returns_the_identical_reply(engine):
    first = engine.enter("main", state("cy-GB"), OPEN)
    assert engine.enter("main", state("cy-GB"), OPEN) is first
    assert engine.enter("main", state("en-GB"), OPEN) is not first
    assert engine.answer("main", state(), "", "", OPEN) is engine.answer("main", state(), "", "", OPEN)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, state()),
        ({"l": "cy-GB", "m": "1", "s": "2", "w": "1"}, e.CallState("cy-GB", True, 2, 1)),
        ({"l": "xx", "m": "7", "s": "-1", "w": "999999"}, state()),
        ({"s": "12"}, state(silences=e.MAX_COUNT)),
        ({"s": "٣"}, state()),  # digits, but not ASCII ones
        ({"s": "²"}, state()),
        ({"l": "cy-GB", "m": "yes"}, state("cy-GB")),
    ],
)
def test_call_state_from_junk_query(flow, query, expected):
    assert e.CallState.from_query(query, flow) == expected


def test_call_state_round_trips(flow):
    original = e.CallState("cy-GB", True, 2, 1)
    assert e.CallState.from_query(original.as_query(), flow) == original
    assert replace(original, silences=5).fresh() == e.CallState("cy-GB", True, 0, 0)
