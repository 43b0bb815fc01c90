"""Booking a callback by phone, through the signed webhooks: keys and speech, English and Welsh,
withheld numbers, bad numbers, silence, hanging up, replayed webhooks and a missing data key."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ivr.callbacks.models import CallbackDraft, CallbackRequest
from tests.conftest import CLOSED, Caller

from .conftest import MOBILE

WORDS = "zero one two three four five six seven eight nine".split()


def to_booking(caller, language_key: str = "1"):
    """Ring, choose the language, open 'protection', skip to its menu, ask for a callback."""
    caller.to_main_menu(language_key)
    caller.press("4")
    caller.press("1")  # any key skips the guidance to its menu
    answer = caller.press("1")
    assert answer.gather.get("action").startswith("https://line.example.org/voice/callback/protection_callback/start?")
    return caller.follow()


def rows(app, model):
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(func.count()).select_from(model))


def step_of(answer) -> str:
    return answer.gather.get("action").split("?")[0].rsplit("/", 1)[1]


def test_the_booking_starts_with_what_an_officer_does_and_who_qualifies(mobile_caller):
    mobile_caller.to_main_menu("1")
    answer = mobile_caller.say("call me back")  # from the main menu: nothing about officers heard yet
    assert "victim liaison officer from the Probation Service can call you back" in answer.text
    assert "sentenced to a year or more" in answer.text


@pytest.mark.parametrize(("language_key", "eligibility"), [("1", "sentenced to a year"), ("2", "dedfryd o flwyddyn")])
def test_from_the_protection_guidance_the_booking_does_not_repeat_it(mobile_caller, language_key, eligibility):
    mobile_caller.to_main_menu(language_key)
    heard = mobile_caller.press("4")
    assert eligibility in heard.text  # who can ask is said once, in the guidance
    mobile_caller.press("1")
    answer = mobile_caller.press("1")
    assert eligibility not in answer.text
    assert "Probation Service can call you back" not in answer.text
    assert answer.gather.get("action").startswith("https://line.example.org/voice/callback/protection_callback/start?")


def test_booking_by_keypad_with_the_callers_own_number(app, mobile_caller, store):
    answer = to_booking(mobile_caller)
    # Only the last three digits are said: someone nearby may be listening.
    assert "the number ending four five six." in answer.text
    assert "07911" not in answer.text and "seven nine one one" not in answer.text
    assert "There are 2 choices. To be called back on that number, press 1." in answer.text
    assert step_of(mobile_caller.press("1")) == "when"
    assert "There are 4 choices. For the morning, 9am to midday, press 1." in mobile_caller.answer.text
    assert step_of(mobile_caller.press("2")) == "voicemail"
    assert step_of(mobile_caller.press("2")) == "identify"
    done = mobile_caller.press("1")
    [booked] = store.list()
    assert (booked.number, booked.safe_time, booked.voicemail_ok, booked.say_who_is_calling) == (
        MOBILE,
        "afternoon",
        False,
        True,
    )
    assert booked.status == "new" and booked.call_sid == mobile_caller.params["CallSid"]
    spoken_reference = ", ".join(WORDS[int(d)] for d in booked.reference)
    pen = "If you can, have a pen ready to write down your reference number."
    assert f"Your callback is booked. {pen} Your reference number is {spoken_reference}." in done.text
    assert f"Again, your reference number is {spoken_reference}." in done.text
    assert "within 2 working days" in done.text and "0845 758 5112" in done.text
    # The reference again, then the end of the call.
    again = mobile_caller.press("1")
    assert f"Your reference number is {spoken_reference}." in again.text and "booked" not in again.text
    bye = mobile_caller.press("2")
    assert bye.find("Hangup") is not None and "Goodbye" in bye.text
    assert rows(app, CallbackDraft) == 0


def test_booking_by_keypad_with_a_withheld_number(withheld_caller, store):
    answer = to_booking(withheld_caller)
    gather = answer.gather
    assert step_of(answer) == "number"
    assert (gather.get("finishOnKey"), gather.get("numDigits"), gather.get("actionOnEmptyResult")) == (
        "#",
        None,
        "true",
    )
    assert int(gather.get("timeout")) >= 10 and "dtmf" in gather.get("input")
    assert "A UK number has 11 digits" in answer.text and "press hash" in answer.text
    confirm = withheld_caller.press("07911123456")
    assert "I heard zero seven nine one one, one two three, four five six." in confirm.text
    assert "If that is right, press 1. To key in the number again, press 2." in confirm.text
    withheld_caller.press("1")
    withheld_caller.press("4")
    withheld_caller.press("1")
    withheld_caller.press("2")
    [booked] = store.list()
    assert (booked.number, booked.safe_time, booked.voicemail_ok, booked.say_who_is_calling) == (
        MOBILE,
        "any",
        True,
        False,
    )


def test_booking_by_speech_in_english(withheld_caller, store):
    to_booking(withheld_caller)
    confirm = withheld_caller.say("oh seven nine one one, one two three, four five six")
    assert "I heard zero seven nine one one, one two three, four five six." in confirm.text
    assert step_of(withheld_caller.say("yes that's right")) == "when"
    assert step_of(withheld_caller.say("in the evening please")) == "voicemail"
    assert step_of(withheld_caller.say("no it's not safe")) == "identify"
    done = withheld_caller.say("yes")
    assert "Your callback is booked." in done.text
    [booked] = store.list()
    assert (booked.number, booked.safe_time, booked.voicemail_ok, booked.say_who_is_calling) == (
        MOBILE,
        "evening",
        False,
        True,
    )


def test_booking_by_keypad_in_welsh(mobile_caller, store):
    answer = to_booking(mobile_caller, "2")
    assert {s.get("language") for s in answer.says} == {"cy-GB"}
    assert "Tri digid olaf y rhif yw pedwar pump chwech." in answer.text
    assert "Mae dau ddewis." in answer.text
    mobile_caller.press("2")  # a different number
    confirm = mobile_caller.press("02079460101")
    assert "Clywais i dim dau dim, saith naw pedwar chwech, dim un dim un." in confirm.text
    mobile_caller.press("1")
    mobile_caller.press("1")
    mobile_caller.press("1")
    done = mobile_caller.press("1")
    assert "Mae eich galwad yn ôl wedi'i threfnu." in done.text
    [booked] = store.list()
    assert (booked.number, booked.language, booked.safe_time) == ("+442079460101", "cy-GB", "morning")


def test_booking_by_speech_in_welsh(mobile_caller, store):
    to_booking(mobile_caller, "2")
    assert step_of(mobile_caller.say("rhif gwahanol")) == "number"
    confirm = mobile_caller.say("dim saith naw un un, un dau tri, pedwar pump chwech")
    assert "Clywais i dim saith naw un un, un dau tri, pedwar pump chwech." in confirm.text
    assert step_of(mobile_caller.say("ydy, mae hynny'n iawn")) == "when"
    assert step_of(mobile_caller.say("yn y prynhawn")) == "voicemail"
    assert step_of(mobile_caller.say("nac ydy")) == "identify"
    done = mobile_caller.say("nac ydy, peidiwch")
    assert "Eich cyfeirnod yw" in done.text
    [booked] = store.list()
    assert (booked.number, booked.safe_time, booked.voicemail_ok, booked.say_who_is_calling) == (
        MOBILE,
        "afternoon",
        False,
        False,
    )


@pytest.mark.parametrize(
    "keyed, heard",
    [
        ("07911*123456", "Sorry, a phone number can only use the number keys, 0 to 9."),
        ("079111ABC", "Sorry, a phone number can only use the number keys, 0 to 9."),
        ("7" * 30, "Sorry, that number is too long."),
        ("0791112", "Sorry, that number is too short."),
        ("09011234567", "Sorry, we cannot call premium rate numbers"),
        ("999", "We cannot call you back on an emergency or police number. If you are in danger now, hang up"),
        ("112", "We cannot call you back on an emergency or police number."),
        ("101", "We cannot call you back on an emergency or police number."),
        ("04000000000", "Sorry, that is not a phone number we can call."),
    ],
)
def test_a_bad_number_is_explained_and_asked_for_again(app, withheld_caller, keyed, heard):
    to_booking(withheld_caller)
    answer = withheld_caller.press(keyed)
    assert answer.text.startswith(heard)
    assert "Please key in the number" in answer.text and step_of(answer) == "number"
    assert rows(app, CallbackRequest) == 0


def test_three_bad_numbers_offer_the_helpline(app, withheld_caller):
    to_booking(withheld_caller)
    withheld_caller.press("123")
    withheld_caller.press("07911*")
    answer = withheld_caller.press("7" * 30)
    assert "Sorry, we could not take a number to call you back on." in answer.text
    assert "Please call the victims' helpline on 0845 758 5112." in answer.text
    assert "To talk to someone at the victims' helpline, press 0." in answer.text
    assert "/voice/input/callback_failed" in answer.gather.get("action")
    assert rows(app, CallbackDraft) == 0 and rows(app, CallbackRequest) == 0


def test_a_number_read_back_wrong_is_keyed_again(withheld_caller, store):
    to_booking(withheld_caller)
    withheld_caller.press("07911123455")
    again = withheld_caller.press("2")
    assert step_of(again) == "number" and "Please key in the number" in again.text
    withheld_caller.press("07911123456")
    for key in "1111":
        withheld_caller.press(key)
    assert store.list()[0].number == MOBILE


def test_silence_at_the_number_warns_explains_then_finds_a_person(app, withheld_caller):
    to_booking(withheld_caller)
    first = withheld_caller.silence()
    assert first.text.startswith("Sorry, I did not hear a number. Take your time.")
    assert "press 9 and then hash" in first.text and "Please key in" not in first.text
    assert first.find("Hangup") is None
    second = withheld_caller.silence()
    assert second.text.startswith("Here is how to give us your number again. Please key in the number")
    third = withheld_caller.silence()
    assert "I will put you through to someone who can help." in third.text
    assert third.find("Dial/Number").text == "+448457585112"
    assert rows(app, CallbackDraft) == 0


@pytest.mark.parametrize("step_keys", [(), ("1",), ("1", "1"), ("1", "1", "1")])
def test_silence_at_every_question_is_handled_as_on_every_menu(mobile_caller, step_keys):
    to_booking(mobile_caller)
    for key in step_keys:
        mobile_caller.press(key)
    asked = mobile_caller.answer.text
    first = mobile_caller.silence()
    assert first.text.startswith("Sorry, I did not hear anything.") and "press 9" in first.text
    assert "There are" not in first.text  # only the warning: the choices come at the next silence
    second = mobile_caller.silence()
    assert second.text.startswith("Here are the choices again.") and asked.split(". ")[-1] in second.text
    third = mobile_caller.silence()
    assert third.find("Dial") is not None and third.find("Hangup") is None


def test_silence_on_a_holiday_ends_at_the_helpline_number_not_a_hang_up(clock, mobile_caller):
    clock.now = CLOSED
    to_booking(mobile_caller)
    for _ in range(3):
        answer = mobile_caller.silence()
    assert "The victims' helpline is closed at the moment." in answer.text and answer.find("Hangup") is None


def test_wrong_keys_and_more_time(mobile_caller):
    to_booking(mobile_caller)
    mobile_caller.press("1")
    wrong = mobile_caller.press("7")
    assert wrong.text.startswith("Sorry, that key is not one of the choices. When is it safe")
    slower = mobile_caller.press("9")
    assert slower.text.startswith("You will have more time to answer")
    assert slower.gather.get("timeout") == "25" and slower.find("Gather/Say/prosody") is not None
    repeat = mobile_caller.press("*")
    assert repeat.text.startswith("When is it safe for the officer to call you?")
    back = mobile_caller.press("#")
    assert step_of(back) == "own"


def test_more_time_at_the_number_gives_long_enough_to_type(withheld_caller):
    to_booking(withheld_caller)
    slower = withheld_caller.press("9")
    assert slower.text.startswith("You will have more time to answer")
    assert int(slower.gather.get("timeout")) >= 25 and slower.gather.get("finishOnKey") == "#"


def test_zero_at_any_question_is_a_person_and_leaves_nothing_half_written(app, mobile_caller):
    to_booking(mobile_caller)
    mobile_caller.press("1")
    answer = mobile_caller.press("0")
    assert answer.find("Dial/Number").text == "+448457585112"
    assert rows(app, CallbackDraft) == 0


def test_hanging_up_halfway_leaves_no_draft(app, mobile_caller):
    to_booking(mobile_caller)
    mobile_caller.press("1")
    assert rows(app, CallbackDraft) == 1
    ended = mobile_caller.post("/voice/status", CallStatus="completed")
    assert ended.status == 200
    assert rows(app, CallbackDraft) == 0 and rows(app, CallbackRequest) == 0


def test_a_ringing_status_keeps_the_draft(app, mobile_caller):
    to_booking(mobile_caller)
    mobile_caller.post("/voice/status", CallStatus="in-progress")
    assert rows(app, CallbackDraft) == 1


def test_the_number_never_travels_in_a_url(withheld_caller):
    to_booking(withheld_caller)
    answer = withheld_caller.press("07911123456")
    urls = [answer.gather.get("action")] + [r.text for r in answer.findall("Redirect")]
    assert all("7911" not in url and "123456" not in url for url in urls)


def test_a_replayed_answer_is_asked_again_not_taken_twice(mobile_caller, store):
    to_booking(mobile_caller)
    own_action = mobile_caller.answer.gather.get("action")
    first = mobile_caller.press("1")  # -> when
    replay = mobile_caller.post(own_action, Digits="2")  # a late copy of the same webhook, another key
    assert replay.response.data == first.response.data  # the question now asked, again
    assert step_of(mobile_caller.press("1")) == "voicemail"


def test_a_replayed_last_answer_makes_one_booking(app, mobile_caller, store):
    to_booking(mobile_caller)
    for key in "111":
        mobile_caller.press(key)
    last_action = mobile_caller.answer.gather.get("action")
    first = mobile_caller.press("1")
    again = mobile_caller.post(last_action, Digits="1")
    [booked] = store.list()
    assert booked.reference.isdigit() and len(booked.reference) == 6
    assert "Your callback is booked. If you can, have a pen ready to write down your reference number." in first.text
    assert "Your reference number is" in first.text
    # Twilio plays only a retry's answer: it must be the whole confirmation, the same as the first.
    assert again.response.data == first.response.data
    assert rows(app, CallbackRequest) == 1


def test_one_callback_a_call(mobile_caller, store):
    to_booking(mobile_caller)
    for key in "1111":
        mobile_caller.press(key)
    mobile_caller.press("#")  # back to the main menu
    [booked] = store.list()
    mobile_caller.press("4")
    mobile_caller.press("1")
    mobile_caller.press("1")
    answer = mobile_caller.follow()
    assert answer.text.startswith("You have already asked for a callback on this call. Your reference number is")
    assert len(store.list()) == 1 and store.list()[0].reference == booked.reference


@pytest.mark.parametrize("app_key", [""])
def test_without_a_data_key_the_caller_is_told_and_given_the_helpline(app_config, client, app_key):
    from ivr import create_app
    from ivr.db import upgrade

    app_config["IVR_DATA_KEY"] = app_key
    upgrade(app_config["IVR_DATABASE_URL"])
    app = create_app(app_config)
    try:
        caller = Caller(app.test_client(), from_number=MOBILE)
        answer = to_booking(caller)
        assert answer.text.startswith("Sorry, callbacks cannot be booked on this line at the moment.")
        assert "0845 758 5112" in answer.text
        assert rows(app, CallbackDraft) == 0 and rows(app, CallbackRequest) == 0
    finally:
        app.extensions["ivr.db"].dispose()


def test_without_a_data_key_startup_says_how_to_set_one(app_config, caplog):
    from ivr import create_app

    app_config["IVR_DATA_KEY"] = ""
    app = create_app(app_config)
    app.extensions["ivr.db"].dispose()
    assert "IVR_DATA_KEY is not set" in caplog.text and "Fernet.generate_key" in caplog.text


def test_a_broken_data_key_stops_the_start_with_a_clear_message(app_config):
    from ivr import create_app
    from ivr.errors import ConfigError

    app_config["IVR_DATA_KEY"] = "not-a-key"
    with pytest.raises(ConfigError, match="IVR_DATA_KEY is not a valid key"):
        create_app(app_config)


def test_an_unsigned_booking_webhook_is_refused(client):
    response = client.post("/voice/callback/callback/start", data={"CallSid": "CA" + "c" * 32})
    assert response.status_code == 403


def test_a_step_for_a_node_that_is_gone_goes_to_the_main_menu(mobile_caller):
    answer = mobile_caller.post("/voice/callback/nowhere/when?l=en-GB")
    assert answer.text.startswith("Sorry, that part of the line has changed.")


# --- A way back from the number question that Twilio delivers (issue 26, item 11) -------------------
# Twilio's <Gather finishOnKey="#">: the finishing key is left out of Digits, and a caller who presses it
# before any other key ends the Gather with no input (actionOnEmptyResult: empty Digits). A bare # is
# silence to the line, so the question offers star, then hash, as its way back and says so.

LANGUAGE_KEYS = [("1", "en-GB"), ("2", "cy-GB")]


def flow_words():
    from ivr.flow import load_flow
    from tests.conftest import ROOT

    return load_flow(ROOT / "flows.yaml", ROOT / "prompts")


def test_the_stand_in_leaves_the_finishing_key_out_as_twilio_does(withheld_caller):
    to_booking(withheld_caller)
    confirm = withheld_caller.press("07911123456#")
    assert step_of(confirm) == "confirm"
    assert "I heard zero seven nine one one, one two three, four five six." in confirm.text


@pytest.mark.parametrize(("language_key", "language"), LANGUAGE_KEYS)
def test_a_bare_hash_at_the_number_question_is_no_input(withheld_caller, language_key, language):
    to_booking(withheld_caller, language_key)
    answer = withheld_caller.press("#")
    flow = flow_words()
    assert step_of(answer) == "number"
    assert answer.text.startswith(flow.prompts.text("callback.number.silence", language))
    assert flow.prompts.text("callback.number.back", language) in answer.text  # how to get out, said then


@pytest.mark.parametrize(("language_key", "language"), LANGUAGE_KEYS)
def test_the_number_question_says_its_way_back(withheld_caller, language_key, language):
    asked = to_booking(withheld_caller, language_key)
    back = flow_words().prompts.text("callback.number.back", language)
    assert back in asked.text
    assert ("star, then hash" if language == "en-GB" else "seren, ac yna hash") in back


@pytest.mark.parametrize(("language_key", "language"), LANGUAGE_KEYS)
def test_star_then_hash_at_the_number_question_goes_back(mobile_caller, language_key, language):
    to_booking(mobile_caller, language_key)
    assert step_of(mobile_caller.press("2")) == "number"  # a different number
    back = mobile_caller.press("*#")
    assert step_of(back) == "own"


def test_star_then_hash_before_any_other_question_leaves_for_the_main_menu(withheld_caller):
    to_booking(withheld_caller)
    back = withheld_caller.press("*#")
    assert back.gather.get("action").split("?")[0].endswith("/voice/input/main")


def test_saying_repeat_at_the_number_question_still_says_it_again(mobile_caller):
    to_booking(mobile_caller)
    asked = mobile_caller.press("2")
    again = mobile_caller.say("repeat")
    assert step_of(again) == "number" and again.text == asked.text
