"""What a caller must get (the brief, rules 1-10), each driven as a call through the signed webhooks."""

from __future__ import annotations

import re

import pytest

from ivr.flow import load_flow

from .conftest import CLOSED, ROOT, Caller

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")


@pytest.fixture
def client(shared_client):
    return shared_client


@pytest.fixture(autouse=True)
def clock(shared_open_clock):
    return shared_open_clock


MENUS = sorted(n.id for n in FLOW.nodes.values() if n.kind == "menu")
TO = "+441632960000"  # the number the caller rang (conftest's Caller)
FROM = "+447700900123"


def enter(caller, node, language="en-GB", more="0"):
    return caller.post(f"/voice/node/{node}?l={language}&m={more}&s=0&w=0")


def gather_node(answer) -> str:
    """The node a Gather's answer goes to, from its action URL."""
    return re.search(r"/voice/input/([a-z0-9_]+)\?", answer.gather.get("action")).group(1)


def pressed_keys(text: str) -> list[str]:
    return re.findall(r"press (\d)\.", text)


# --- 1. Safety first ----------------------------------------------------------------


def test_1_the_greeting_says_to_hang_up_and_call_999(caller):
    answer = caller.ring()
    first = answer.gather.find("Say")
    assert first.get("language") == "en-GB"
    assert "If you are in danger now, hang up and call 999." in first.text
    assert first.text.index("999") < first.text.index("press 1")


# --- 2. Welsh -------------------------------------------------------------------------


def test_2_the_greeting_has_a_welsh_line_and_key(caller):
    welsh = [s for s in caller.ring().gather.findall("Say") if s.get("language") == "cy-GB"]
    assert len(welsh) == 1
    assert welsh[0].get("voice") == "Polly.Gwyneth"
    assert "ffoniwch 999" in welsh[0].text
    assert welsh[0].text.endswith("pwyswch 2.")


def test_2_the_whole_call_continues_in_welsh(caller):
    answers = [caller.ring(), caller.press("2"), caller.follow(), caller.press("2"), caller.follow()]
    answers += [caller.press("0"), caller.dial_ends("busy"), caller.press("9"), caller.silence(), caller.press("5")]
    for answer in answers[1:]:
        assert answer.says, answer.response.data
        for say in answer.says:
            assert (say.get("language"), say.get("voice")) == ("cy-GB", "Polly.Gwyneth")
        for gather in answer.findall("Gather"):  # Welsh is keys only (flows.yaml speech: false)
            assert gather.get("input") == "dtmf"
            assert gather.get("language") is None
    assert "Mae pedwar dewis." in answers[2].text
    assert gather_node(answers[-1]) == "helpline_unavailable"


# --- 3. Menus ----------------------------------------------------------------------------


def test_3_the_main_menu_says_the_count_then_each_choice_before_its_key(caller):
    text = caller.to_main_menu().text
    assert text.startswith("There are 4 choices. ")
    assert pressed_keys(text) == ["1", "2", "3", "4"]
    assert "If the offender has contacted you from prison, or you are worried they will, press 2." in text


@pytest.mark.parametrize("menu", MENUS)
@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_3_every_menu_counts_its_choices_and_keys_ascend(caller, menu, language):
    answer = enter(caller, menu, language)
    count = len(FLOW.nodes[menu].choices)
    assert FLOW.prompts.text(f"sys.choices.{count}", language) in answer.text
    press = "press" if language == "en-GB" else "pwyswch"
    names = {"*": "star" if language == "en-GB" else "seren", "#": "hash"}
    said = re.findall(rf"{press} (\d|star|seren|hash)\.", answer.text)
    assert said == [names.get(c.key, c.key) for c in FLOW.nodes[menu].choices]
    # Numbered choices go 1, 2, 3...; a standard key offered by name comes after them, as on every menu.
    numbered = [key for key in said if key.isdigit() and key != "0"]
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]
    assert said[: len(numbered)] == numbered


def test_3_the_standard_keys_are_said_once_early(caller):
    caller.ring()
    intro = caller.press("1")
    assert "press 0 to talk to a person, star to hear the choices again, and hash to go back" in intro.text
    assert "press 9" in intro.text
    menu = caller.follow()
    assert "press 0" not in menu.text
    assert gather_node(menu) == "main"


def test_3_key_0_at_the_greeting_reaches_a_person(caller):
    caller.ring()
    answer = caller.press("0")
    assert answer.find("Dial/Number").text == FLOW.settings.numbers["helpline"].e164


def test_3_key_9_at_the_greeting_gives_more_time_at_once(caller):
    caller.ring()
    answer = caller.press("9")
    assert answer.gather.get("timeout") == str(FLOW.settings.timeout_more_time)
    assert answer.find("Gather/Say/prosody").text.startswith("You will have more time")
    welsh = caller.press("2")
    assert welsh.find("Gather/Say/prosody") is not None
    assert welsh.find("Gather/Say").get("language") == "cy-GB"


@pytest.mark.parametrize("menu", MENUS)
def test_3_key_0_reaches_the_helpline_from_every_menu(caller, menu):
    enter(caller, menu)
    answer = caller.press("0")
    dial = answer.find("Dial")
    assert dial.find("Number").text == FLOW.settings.numbers["helpline"].e164
    assert "victims' helpline" in answer.text


@pytest.mark.parametrize("menu", MENUS)
def test_3_key_0_when_closed_gives_the_closed_menu_from_every_menu(caller, clock, menu):
    clock.now = CLOSED
    enter(caller, menu)
    answer = caller.press("0")
    assert answer.find("Dial") is None
    assert gather_node(answer) == "helpline_closed"
    assert "0845 758 5112" in answer.text


@pytest.mark.parametrize("menu", MENUS)
def test_3_star_repeats_and_hash_goes_back_on_every_menu(caller, menu):
    first = enter(caller, menu)
    again = caller.press("*")
    assert again.text == first.text
    assert gather_node(again) == menu
    enter(caller, menu)
    back = caller.press("#")
    back_node = FLOW.nodes[menu].back
    assert back.root.find(".//Gather").get("action").split("?")[0].endswith(f"/{back_node}")


@pytest.mark.parametrize("menu", MENUS)
def test_3_nine_gives_more_time_on_every_menu(caller, menu):
    enter(caller, menu)
    answer = caller.press("9")
    assert answer.gather.get("timeout") == str(FLOW.settings.timeout_more_time)
    assert answer.find("Say/prosody").get("rate") == "75%"


# --- 4. Speech ----------------------------------------------------------------------------


@pytest.mark.parametrize("menu", MENUS)
@pytest.mark.parametrize("language", [lang for lang, spec in FLOW.settings.languages.items() if spec.speech])
def test_4_every_menu_listens_for_speech(caller, menu, language):
    """In every language Twilio recognises speech in (flows.yaml `speech: true`); see
    tests/test_speech_languages.py for the keys-only ones."""
    gather = enter(caller, menu, language).gather
    assert gather.get("input") == "dtmf speech"
    assert gather.get("language") == language
    hints = gather.get("hints").split(", ")
    for choice in FLOW.nodes[menu].choices:
        assert FLOW.prompts.words[language][choice.prompt][0] in hints


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en-GB", ["help", "prison", "released", "protection"]),
        ("cy-GB", ["cymorth", "carchar", "rhyddhau", "amddiffyn"]),
    ],
)
def test_4_said_words_reach_the_same_choices_as_keys(client, language, words):
    for key, said in enumerate(words, start=1):
        by_key, by_words = Caller(client), Caller(client)
        enter(by_key, "main", language)
        enter(by_words, "main", language)
        pressed = by_key.press(str(key))
        spoken = by_words.say(said)
        assert spoken.text == pressed.text
        assert spoken.gather.get("action") == pressed.gather.get("action")


# --- 5. Silence -----------------------------------------------------------------------------


def test_5_silence_warns_then_repeats_then_transfers(caller):
    caller.to_main_menu()
    first = caller.silence()
    assert first.text == (
        "Sorry, I did not hear anything. Take your time. If you would like more time, and slower speech, press 9."
        ' Or you can say "more time".'
    )
    second = caller.silence()
    assert second.text.startswith("Here are the choices again. There are 4 choices.")
    third = caller.silence()
    assert third.text.startswith("I will put you through to someone who can help.")
    assert third.find("Dial").find("Number").text == FLOW.settings.numbers["helpline"].e164


def test_5_silence_when_closed_says_the_number_and_offers_a_callback(caller, clock):
    clock.now = CLOSED
    caller.to_main_menu()
    caller.silence()
    caller.silence()
    third = caller.silence()
    assert third.find("Dial") is None
    assert "The number is 0845 758 5112." in third.text
    assert "To ask for someone to call you back, press 1." in third.text


@pytest.mark.parametrize("menu", MENUS)
@pytest.mark.parametrize("now", ["open", "closed"])
def test_5_silence_never_hangs_up(caller, clock, menu, now):
    if now == "closed":
        clock.now = CLOSED
    answer = enter(caller, menu)
    for _ in range(8):
        assert answer.find("Hangup") is None
        answer = caller.dial_ends("no-answer") if answer.find("Dial") is not None else caller.silence()
        assert answer.status == 200
        assert answer.gather is not None or answer.find("Dial") is not None


# --- 6. Wrong keys ----------------------------------------------------------------------------


def test_6_a_wrong_key_says_so_and_repeats_the_choices(caller):
    caller.to_main_menu()
    answer = caller.press("7")
    assert answer.text.startswith("Sorry, that key is not one of the choices. There are 4 choices.")
    assert gather_node(answer) == "main"


def test_6_wrong_keys_and_silences_are_counted_apart(caller):
    caller.to_main_menu()
    caller.silence()
    caller.silence()
    wrong = caller.press("7")  # after two silences: still only a first wrong key
    assert wrong.text.startswith("Sorry, that key is not one of the choices.")
    assert wrong.find("Dial") is None
    caller.press("7")
    silence = caller.silence()  # after two wrong keys: a first silence
    assert silence.text.startswith("Sorry, I did not hear anything.")
    third = caller.press("7")
    assert third.text.startswith("Sorry, that key is not one of the choices. Let me put you through")
    assert third.find("Dial") is not None


# --- 7. More time ----------------------------------------------------------------------------------


def test_7_more_time_and_slower_speech_for_the_rest_of_the_call(caller):
    caller.to_main_menu()
    slow = caller.say("more time please")
    assert slow.text.startswith("You will have more time to answer from now on")
    answers = [slow, caller.press("2"), caller.press("1"), caller.press("0"), caller.dial_ends("busy")]
    for answer in answers:
        prosody = answer.findall("Say/prosody")
        assert len(prosody) == len(answer.says) > 0
        assert {p.get("rate") for p in prosody} == {"75%"}
    for answer in (slow, answers[2], answers[-1]):
        assert answer.gather.get("timeout") == str(FLOW.settings.timeout_more_time)


# --- 8. Number entry --------------------------------------------------------------------------------
# The callback booking (issue 4) owns number entry; tests/callbacks/test_journey.py covers it in depth.


@pytest.fixture
def booking_client(app_config):
    from cryptography.fernet import Fernet

    from ivr import create_app
    from ivr.db import upgrade

    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    upgrade(app_config["IVR_DATABASE_URL"])
    app = create_app(app_config)
    yield app.test_client()
    app.extensions["ivr.db"].dispose()


def test_8_number_entry_says_the_digits_hash_to_finish_reads_back_and_confirms(booking_client):
    caller = Caller(booking_client, from_number="anonymous")
    caller.to_main_menu()
    caller.press("4")
    caller.press("1")  # skips the guidance
    caller.press("1")  # a callback
    asked = caller.follow()
    assert asked.gather.get("finishOnKey") == "#"
    assert asked.gather.get("numDigits") is None
    assert "A UK number has 11 digits" in asked.text and "press hash" in asked.text
    confirm = caller.press("07911123456")
    assert "zero seven nine one one, one two three, four five six." in confirm.text
    assert "If that is right, press 1. To key in the number again, press 2." in confirm.text
    again = caller.press("2")
    assert "Please key in the number" in again.text


# --- 9. Transfers -------------------------------------------------------------------------------------


def test_9_a_transfer_says_where_and_dials_with_our_number_as_caller_id(caller):
    enter(caller, "help_menu")
    answer = caller.press("0")
    verbs = [v.tag for v in answer.verbs]
    assert verbs == ["Say", "Dial"]
    assert answer.text == "Putting you through to the victims' helpline now. Please hold."
    dial = answer.find("Dial")
    assert dial.get("action").startswith("https://line.example.org/voice/dial/helpline_transfer?")
    assert dial.get("timeout") == str(FLOW.settings.timeout_dial)
    assert dial.get("callerId") == TO
    assert FROM not in answer.response.data.decode()


@pytest.mark.parametrize(
    ("status", "why"),
    [("busy", "The line is busy."), ("no-answer", "Nobody answered."), ("failed", "The call could not be connected.")],
)
def test_9_a_failed_transfer_is_explained_with_a_callback_and_the_number(caller, status, why):
    enter(caller, "help_menu")
    caller.press("0")
    answer = caller.dial_ends(status)
    assert answer.text.startswith(
        f"{why} We could not put you through to the helpline just now. The number is 0845 758 5112."
    )
    assert "To ask for someone to call you back, press 1." in answer.text
    assert gather_node(answer) == "helpline_unavailable"


def test_9_a_completed_transfer_says_goodbye(caller):
    enter(caller, "help_menu")
    caller.press("0")
    answer = caller.dial_ends("completed")
    assert [v.tag for v in answer.verbs] == ["Say", "Hangup"]


def test_9_the_police_transfer_says_999_first(caller):
    enter(caller, "release_menu")
    answer = caller.press("1")
    assert answer.text.startswith("If you are in danger now, hang up and call 999. Putting you through to the police")
    assert [v.tag for v in answer.verbs][-1] == "Dial"
    assert answer.find("Dial/Number").text == FLOW.settings.numbers["police"].e164
    assert answer.find("Dial").get("callerId") == TO


def test_9_the_helpline_is_closed_on_a_bank_holiday(caller, clock):
    clock.now = CLOSED
    enter(caller, "help_menu")
    answer = caller.press("0")
    assert answer.find("Dial") is None
    assert answer.text.startswith("The victims' helpline is closed at the moment.")
    assert "except bank holidays" in answer.text
    assert "To ask for someone to call you back, press 1." in answer.text


# --- 10. Short chunks, skippable guidance --------------------------------------------------------------


@pytest.mark.parametrize("node", sorted(n.id for n in FLOW.nodes.values() if n.kind == "guidance"))
def test_10_guidance_is_inside_a_gather_and_any_key_skips_it(caller, node):
    answer = enter(caller, node)
    assert [v.tag for v in answer.verbs] == ["Gather", "Redirect"]
    assert answer.gather.get("numDigits") == "1"
    assert len(answer.gather.findall("Say")) >= 1
    skipped = caller.press("5")
    target = node
    while FLOW.nodes[target].kind == "guidance":
        target = FLOW.nodes[target].next
    assert gather_node(skipped) == target


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_10_every_prompt_is_a_short_chunk(language):
    long = {pid: len(text.split()) for pid, text in FLOW.prompts.texts[language].items() if len(text.split()) >= 60}
    assert long == {}
