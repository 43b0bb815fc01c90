"""Caller rule 12: silence has an end. A call with no key or word for 5 minutes (10 in
more-time mode) ends kindly with the helpline number said twice; until then the silence
rules (warn, repeat, a person or the number and a callback) stay as they are.

Driven through the signed webhooks with a clock the test moves: each silence is the
prompt and the Gather's timeout passing, as on a real call."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from ivr.engine import CallState, Engine
from ivr.flow import load_flow

from .conftest import CLOSED, OPEN, ROOT, Caller

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
NUMBER = "0845 758 5112"
END = {
    "en-GB": "I have not heard anything for a while, so I will end this call now.",
    "cy-GB": "Dw i ddim wedi clywed dim byd ers tipyn, felly bydda i'n gorffen yr alwad nawr.",
}
LANGUAGE_KEY = {"en-GB": "1", "cy-GB": "2"}
STEP = dt.timedelta(seconds=20)  # a menu said once more and its 7-second timeout


@pytest.fixture
def client(shared_client):
    return shared_client


@pytest.fixture(autouse=True)
def clock(shared_open_clock):
    return shared_open_clock


def ended(answer) -> bool:
    verbs = [v.tag for v in answer.verbs]
    return bool(verbs) and verbs[-1] == "Hangup"


def stay_silent(caller: Caller, clock, limit: int = 200):
    """Stay silent (a transfer nobody answers rings 30 s) until the call ends; returns the
    seconds from the start of the silence to the end, and the last answer."""
    start = clock.now
    for _ in range(limit):
        answer = caller.answer
        if answer.find("Dial") is not None:
            clock.now += dt.timedelta(seconds=30)
            caller.dial_ends("no-answer")
        else:
            clock.now += STEP
            caller.silence()
        assert caller.answer.status == 200
        if ended(caller.answer):
            return (clock.now - start).total_seconds(), caller.answer
        assert caller.answer.gather is not None or caller.answer.find("Dial") is not None
    raise AssertionError(f"still going after {limit} silences: a silent call loops forever")


def says_the_end_kindly(answer, language: str):
    text = answer.text
    assert text.startswith(END[language]), text
    assert text.count(NUMBER) == 2, text
    assert answer.gather is None and answer.find("Redirect") is None
    for say in answer.says:
        assert say.get("language") == language


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_silent_caller_out_of_hours_is_ended_kindly_after_5_minutes(caller, clock, language):
    clock.now = CLOSED
    caller.ring()
    caller.press(LANGUAGE_KEY[language])
    caller.follow()  # the keys introduction plays out: at the main menu
    took, last = stay_silent(caller, clock)
    assert 300 <= took < 300 + STEP.total_seconds() + 1
    says_the_end_kindly(last, language)


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_silent_caller_in_hours_whose_transfers_are_not_answered_is_ended_too(caller, clock, language):
    caller.to_main_menu(LANGUAGE_KEY[language])
    took, last = stay_silent(caller, clock)
    assert 300 <= took < 300 + 31
    says_the_end_kindly(last, language)


def test_until_then_the_silence_rules_stay_as_they_are(caller, clock):
    clock.now = CLOSED
    caller.to_main_menu()
    said = []
    for _ in range(6):  # 2 minutes of silence: warn, repeat, the closed helpline's number and a callback...
        clock.now += STEP
        said.append(caller.silence().text)
        assert not ended(caller.answer)
    assert said[0].startswith("Sorry, I did not hear anything. Take your time.")
    assert said[1].startswith("Here are the choices again.")
    assert "The number is 0845 758 5112." in said[2] and "To ask for someone to call you back, press 1." in said[2]
    assert said[3].startswith("Sorry, I did not hear anything.")


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_more_time_gives_10_minutes(caller, clock, language):
    clock.now = CLOSED
    caller.to_main_menu(LANGUAGE_KEY[language])
    caller.press("9")  # more time: a key, so the silence starts here
    took, last = stay_silent(caller, clock)
    assert 600 <= took < 600 + STEP.total_seconds() + 1
    says_the_end_kindly(last, language)


@pytest.mark.parametrize("answer", ["key", "words"])
def test_any_key_or_word_starts_the_silence_again(caller, clock, answer):
    clock.now = CLOSED
    caller.to_main_menu()
    for _ in range(3):
        for _ in range(12):  # 4 minutes of silence
            clock.now += STEP
            assert not ended(caller.silence())
        if answer == "key":
            caller.press("*")  # hear the choices again
        else:
            caller.say("banana")  # not understood, but a word: the caller is there
        assert not ended(caller.answer)
    took, _ = stay_silent(caller, clock)
    assert took >= 300


def test_the_time_of_the_last_input_is_carried_in_every_url(caller, clock):
    caller.ring()
    start = int(clock.now.timestamp())
    urls = [caller.answer.gather.get("action"), caller.answer.find("Redirect").text]
    clock.now += dt.timedelta(seconds=40)
    caller.press("1")
    pressed = int(clock.now.timestamp())
    urls_after = [caller.answer.gather.get("action"), caller.answer.find("Redirect").text]
    clock.now += dt.timedelta(seconds=40)
    caller.follow()  # silence at the keys introduction: not an input
    assert [parse_qs(urlsplit(u).query)["t"] for u in urls] == [[str(start)]] * 2
    assert [parse_qs(urlsplit(u).query)["t"] for u in urls_after] == [[str(pressed)]] * 2
    assert parse_qs(urlsplit(caller.answer.gather.get("action")).query)["t"] == [str(pressed)]


@pytest.mark.parametrize("t", ["", "junk", "99999999999999", "-5", "%d"])
def test_a_missing_junk_or_future_time_counts_from_now(caller, clock, t):
    """A URL from before this was carried, or one from a server whose clock is ahead: never ended early."""
    clock.now = CLOSED
    value = t % int((CLOSED + dt.timedelta(hours=1)).timestamp()) if t == "%d" else t
    answer = caller.post(f"/voice/input/main?l=en-GB&m=0&s=1&w=0&t={value}")
    assert not ended(answer)
    assert answer.text.startswith("Here are the choices again.")
    assert parse_qs(urlsplit(answer.gather.get("action")).query)["t"] == [str(int(CLOSED.timestamp()))]


@pytest.fixture
def booking_client(app_config):
    from cryptography.fernet import Fernet

    from .conftest import running_app

    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    for app in running_app(app_config):
        yield app.test_client()


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_silent_caller_at_the_callback_number_question_is_ended_too(booking_client, clock, language):
    caller = Caller(booking_client, from_number="anonymous")
    clock.now = CLOSED
    since = int((CLOSED - dt.timedelta(seconds=290)).timestamp())
    caller.post(f"/voice/node/callback?l={language}&m=0&s=0&w=0&t={since}")
    asked = caller.follow()  # the words about a liaison officer play out: the number question
    assert asked.gather.get("finishOnKey") == "#"
    clock.now += STEP
    says_the_end_kindly(caller.silence(), language)


# --- the engine and the setting ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("more_time", "quiet", "over"), [(False, 299, False), (False, 300, True), (True, 599, False), (True, 600, True)]
)
def test_the_limits_are_5_and_10_minutes(more_time, quiet, over):
    engine = Engine(FLOW)
    assert engine.silence_over(CallState("en-GB", more_time), quiet) is over
    reply = engine.answer("main", CallState("en-GB", more_time, silences=1), "", "", OPEN, quiet)
    assert (type(reply.steps[-1]).__name__ == "Hangup") is over


def test_a_key_is_never_ended_however_long_the_wait():
    reply = Engine(FLOW).answer("main", CallState("en-GB"), "*", "", OPEN, 3600)
    assert type(reply.steps[-1]).__name__ != "Hangup"


# --- play mode: the end is played from its clip, in the caller's language ------------------------


@pytest.fixture
def play_client(app_config, tmp_path):
    """Play mode with a clip (a tone standing in for speech) for every prompt of the line."""
    from ivr.audio.clips import flow_clips
    from ivr.audio.store import AudioStore
    from ivr.audio.synth import engine_version

    from .audio.conftest import tone
    from .conftest import running_app

    store = AudioStore(tmp_path / "audio")
    sound = tone(0.2, rate=8000)
    for clip in flow_clips(FLOW, engine_version()):
        store.write(clip.name, sound)
    app_config.update(IVR_SPEECH="play", IVR_AUDIO_DIR=str(store.root))
    for app in running_app(app_config):
        yield app.test_client()


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_in_play_mode_the_end_is_played_in_the_callers_language(play_client, clock, language):
    caller = Caller(play_client)
    clock.now = CLOSED
    caller.to_main_menu(LANGUAGE_KEY[language])
    took, last = stay_silent(caller, clock)
    assert 300 <= took < 300 + STEP.total_seconds() + 1
    assert [v.tag for v in last.verbs] == ["Play", "Hangup"]
    url = last.find("Play").text
    words = play_client.get(urlsplit(url).path.removesuffix(".wav") + ".txt").get_data(as_text=True)
    assert words == FLOW.prompts.text("sys.silence.end", language)
    assert words.startswith(END[language]) and words.count(NUMBER) == 2
