"""Speech recognition per language (issue 14, item 5): flows.yaml says per language whether
Twilio recognises speech in it (`speech: true|false`). A keys-only language gets
<Gather input="dtmf"> with no language or speech attributes (Twilio fails a whole <Gather>
whose speech language it does not support, and its list has no cy-GB), and its callers are
never invited to speak. Welsh ships keys only. Driven through the signed webhooks."""

from __future__ import annotations

import shutil

import pytest

from ivr.doctor import check_flow_and_numbers, check_speech
from ivr.flow import load_flow

from .conftest import CLOSED, ROOT, Caller, running_app

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
MENUS = sorted(n.id for n in FLOW.nodes.values() if n.kind == "menu")
# Every way the shipped words invite a caller to speak, per language.
INVITATIONS = {
    "en-GB": ("You can also say", "you can say", 'say "more time"'),
    "cy-GB": ("Gallwch chi hefyd ddweud", "gallwch chi ddweud", 'dwedwch "mwy o amser"'),
}
SPEECH_ATTRIBUTES = ("language", "hints", "speechTimeout", "speechModel", "enhanced")


def flow_copy(tmp_path, *changes) -> str:
    text = (ROOT / "flows.yaml").read_text()
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "flows.yaml").write_text(text)
    return str(tmp_path / "flows.yaml")


WELSH_OFF = "      speech: false\n"
ENGLISH_ON = "      speech: true                  # Twilio recognises speech in it: menus take words as well as keys\n"


@pytest.fixture(params=["shipped", "english-keys-only", "welsh-listens"])
def line(request, app_config, tmp_path):
    """The shipped line (English listens, Welsh keys only), one where English is keys only too,
    and one where an operator has confirmed Welsh speech on a live call."""
    changes = {
        "shipped": (),
        "english-keys-only": ((ENGLISH_ON, "      speech: false\n"),),
        "welsh-listens": ((WELSH_OFF, "      speech: true\n"),),
    }[request.param]
    app_config["IVR_FLOW"] = flow_copy(tmp_path, *changes)
    app_config["IVR_PROMPTS"] = str(ROOT / "prompts")
    listens = {
        "shipped": {"en-GB": True, "cy-GB": False},
        "english-keys-only": {"en-GB": False, "cy-GB": False},
        "welsh-listens": {"en-GB": True, "cy-GB": True},
    }[request.param]
    for app in running_app(app_config):
        yield app.test_client(), listens


def check_gather(gather, listens: bool, language: str, where: str):
    if listens:
        assert gather.get("input") == "dtmf speech", where
        assert gather.get("language") == language, where
    else:
        assert gather.get("input") == "dtmf", where
        present = [a for a in SPEECH_ATTRIBUTES if gather.get(a) is not None]
        assert present == [], f"{where}: a keys-only Gather carries {present}"


def check_words(answer, listens: bool, language: str, where: str):
    text = answer.text
    invited = [phrase for phrase in INVITATIONS[language] if phrase.lower() in text.lower()]
    if not listens:
        assert invited == [], f"{where}: a keys-only {language} caller is asked to speak: {text}"


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_every_menu_listens_only_where_twilio_recognises_the_language(line, language):
    client, listens = line
    caller = Caller(client)
    for menu in MENUS:
        answer = caller.post(f"/voice/node/{menu}?l={language}&m=0&s=0&w=0")
        check_gather(answer.gather, listens[language], language, menu)
        check_words(answer, listens[language], language, menu)
        silent = caller.silence()  # the first silence: "take your time... press 9 (or say 'more time')"
        check_gather(silent.gather, listens[language], language, f"{menu} after a silence")
        check_words(silent, listens[language], language, f"{menu} after a silence")
        if listens[language]:
            assert any(p.lower() in silent.text.lower() for p in INVITATIONS[language]), silent.text


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_whole_call_says_you_can_speak_only_where_it_listens(line, clock, language):
    """The key guide, silence help and the callback number question: the words and the Gather agree."""
    client, listens = line
    clock.now = CLOSED
    caller = Caller(client, from_number="anonymous")
    caller.ring()
    guide = caller.press({"en-GB": "1", "cy-GB": "2"}[language])
    check_words(guide, listens[language], language, "the key guide")
    assert (FLOW.prompts.text("keys.intro.speech", language) in guide.text) is listens[language]
    answers = [caller.follow(), caller.silence(), caller.press("0")]  # the main menu, a silence, a person (closed)
    for answer in answers:
        check_words(answer, listens[language], language, "a call")
        check_gather(answer.gather, listens[language], language, "a call")


@pytest.fixture
def booking_line(app_config, tmp_path):
    from cryptography.fernet import Fernet

    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    for app in running_app(app_config):
        yield app.test_client()


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_the_callback_number_question_listens_only_where_the_language_does(booking_line, language):
    listens = FLOW.settings.languages[language].speech
    caller = Caller(booking_line, from_number="anonymous")
    caller.post(f"/voice/node/callback?l={language}&m=0&s=0&w=0")
    asked = caller.follow()
    assert asked.gather.get("finishOnKey") == "#"
    check_gather(asked.gather, listens, language, "the number question")
    check_words(asked, listens, language, "the number question")
    assert (FLOW.prompts.text("callback.number.ask.speech", language) in asked.text) is listens
    silent = caller.silence()
    check_gather(silent.gather, listens, language, "the number question after a silence")
    check_words(silent, listens, language, "the number question after a silence")


def test_welsh_ships_keys_only_and_english_listens():
    languages = FLOW.settings.languages
    assert (languages["en-GB"].speech, languages["cy-GB"].speech) == (True, False)


# --- ivr check and ivr doctor ---------------------------------------------------------------


def checked(runner, tmp_path, *changes):
    from ivr.cli import main

    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    path = flow_copy(tmp_path, *changes)
    result = runner.invoke(main, ["check", path])
    return result, path


@pytest.mark.parametrize("value", ["yes", '"true"', "1", "maybe"])
def test_ivr_check_refuses_a_speech_setting_that_is_not_true_or_false(runner, tmp_path, value):
    result, path = checked(runner, tmp_path, (WELSH_OFF, f"      speech: {value}\n"))
    assert result.exit_code == 1
    line = (tmp_path / "flows.yaml").read_text().splitlines().index(f"      speech: {value}") + 1
    assert f"{path}:{line}: language cy-GB: speech must be true" in result.output


def test_ivr_check_warns_when_a_language_does_not_say_and_takes_keys_only(runner, tmp_path):
    result, path = checked(runner, tmp_path, (WELSH_OFF, ""))
    assert result.exit_code == 0
    assert "warning: language cy-GB does not say whether Twilio recognises speech in it" in result.output
    flow = load_flow(path, tmp_path / "prompts", strict=False)
    assert flow.settings.languages["cy-GB"].speech is False


def test_ivr_check_wants_the_invitation_to_speak_in_a_language_that_listens(runner, tmp_path):
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    welsh = tmp_path / "prompts" / "cy-GB.yaml"
    text = welsh.read_text()
    line = next(x for x in text.splitlines() if x.startswith("  keys.intro.speech:"))
    welsh.write_text(text.replace(line + "\n", ""))
    from ivr.cli import main

    from .conftest import CliRunner

    keys_only = CliRunner().invoke(main, ["check", flow_copy(tmp_path)])
    assert keys_only.exit_code == 0, keys_only.output  # Welsh never says it
    listening = CliRunner().invoke(main, ["check", flow_copy(tmp_path, (WELSH_OFF, "      speech: true\n"))])
    assert listening.exit_code == 1
    assert "keys.intro.speech" in listening.output and "cy-GB" in listening.output


def test_ivr_doctor_reports_the_setting_of_each_language(tmp_path):
    findings = {f.what.split(":")[0]: f for f in check_speech(FLOW)}
    assert findings["en-GB"].ok and "keys and words (speech recognition in en-GB)" in findings["en-GB"].what
    assert findings["cy-GB"].ok and "keys only (speech: false in flows.yaml)" in findings["cy-GB"].what
    assert "after a live call shows Twilio understands words in cy-GB" in findings["cy-GB"].what
    doctor = check_flow_and_numbers({"IVR_FLOW": str(ROOT / "flows.yaml"), "IVR_PROMPTS": str(ROOT / "prompts")})
    assert [f.what for f in doctor if f.what.startswith(("en-GB:", "cy-GB:"))] == [
        findings["en-GB"].what,
        findings["cy-GB"].what,
    ]


# --- Speech hints and the languages Twilio lists (issue 26, item 12) ---------------------------------


def bad_hints(gather) -> list[str]:
    """The hints Twilio would warn about or refuse: `#`, `*`, bare digits, $CLASS tokens."""
    phrases = [p.strip() for p in (gather.get("hints") or "").split(",")]
    return [p for p in phrases if p and ("#" in p or "*" in p or "$" in p or any(ch.isdigit() for ch in p))]


def test_every_menus_hints_are_words_and_phrases_only(line):
    client, listens = line
    caller = Caller(client)
    for language in (code for code, on in listens.items() if on):  # a keys-only Gather has no hints (above)
        for menu in MENUS + ["welcome"]:
            answer = caller.post(f"/voice/node/{menu}?l={language}&m=0&s=0&w=0")
            assert answer.gather.get("hints"), menu  # words are still hinted
            assert bad_hints(answer.gather) == [], (language, menu)


def test_a_said_digit_still_chooses_though_it_is_not_a_hint(shared_client):
    caller = Caller(shared_client)
    caller.post("/voice/node/main?l=en-GB&m=0&s=0&w=0")
    answer = caller.say("2")  # what Twilio's recogniser may return for "two"
    assert answer.gather.get("action").split("?")[0].endswith("/voice/input/prison")


def test_the_number_questions_hints_carry_no_class_token(booking_line):
    caller = Caller(booking_line, from_number="anonymous")
    caller.post("/voice/node/callback?l=en-GB&m=0&s=0&w=0")
    asked = caller.follow()
    assert asked.gather.get("input") == "dtmf speech"
    assert bad_hints(asked.gather) == []
    assert "zero" in asked.gather.get("hints").split(", ")


def test_ivr_check_warns_at_the_line_of_speech_true_for_a_language_twilio_does_not_list(runner, tmp_path):
    result, path = checked(runner, tmp_path, (WELSH_OFF, "      speech: true\n"))
    assert result.exit_code == 0, result.output
    line = (tmp_path / "flows.yaml").read_text().splitlines().index("      speech: true") + 1
    lines = (tmp_path / "flows.yaml").read_text().splitlines()
    assert lines[line - 1] == "      speech: true" and "cy-GB" in "".join(lines[line - 6 : line])
    assert (
        f"{path}:{line}: warning: language cy-GB has speech: true, but Twilio's <Gather> does not list cy-GB "
        "for speech recognition"
    ) in result.output
    assert "turn it on only after a live call has shown" in result.output
    shipped, _ = checked(runner, tmp_path / "shipped")
    assert "does not list" not in shipped.output


def test_ivr_doctor_warns_at_the_line_of_speech_true_for_a_language_twilio_does_not_list(tmp_path):
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    path = flow_copy(tmp_path, (WELSH_OFF, "      speech: true\n"))
    line = (tmp_path / "flows.yaml").read_text().splitlines().index("      speech: true") + 1
    doctor = check_flow_and_numbers({"IVR_FLOW": path, "IVR_PROMPTS": str(tmp_path / "prompts")})
    [welsh] = [f for f in doctor if f.what.startswith("cy-GB:")]
    assert not welsh.ok
    assert f"{path}:{line}" in welsh.what and "Twilio's <Gather> does not list cy-GB" in welsh.what
    assert "live call" in welsh.fix
    [english] = [f for f in doctor if f.what.startswith("en-GB:")]
    assert english.ok
