"""The first call: a signed ring reaches the main menu in both languages."""


def test_a_call_reaches_the_main_menu_in_english(caller):
    answer = caller.to_main_menu("1")
    assert answer.gather.get("action").startswith("https://line.example.org/voice/input/main?")
    assert "There are 4 choices." in answer.text


def test_a_call_reaches_the_main_menu_in_welsh(caller):
    answer = caller.to_main_menu("2")
    assert {s.get("language") for s in answer.says} == {"cy-GB"}
    assert answer.gather.get("input") == "dtmf"  # Welsh is keys only until Twilio is shown to understand it
