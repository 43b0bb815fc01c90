"""Welsh first where the law asks it (issue 14, item 6): a setting puts the Welsh greeting first
(Welsh Language Standards, for Welsh public bodies); the call carries its language into transfers
(the person who answers hears it before the caller is connected: <Dial><Number url=...>) and
into callback requests. Driven through the signed webhooks, in both languages."""

from __future__ import annotations

import pytest

from ivr.flow import load_flow

from .conftest import ROOT, Caller, running_app

FLOW = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
WELSH_CHOICE_FIRST = (
    """      - key: "1"
        language: en-GB
        prompt: welcome.choose
      - key: "2"
        language: cy-GB
        prompt: welcome.choose
""",
    """      - key: "1"
        language: cy-GB
        prompt: welcome.choose
      - key: "2"
        language: en-GB
        prompt: welcome.choose
""",
)
FIRST_WELSH = ("  first_language: en-GB\n", "  first_language: cy-GB\n")
DEFAULT_WELSH = ("  default_language: en-GB\n", "  default_language: cy-GB\n")
WHISPER = {
    "en-GB": "A caller from the after-trial support line, who chose English.",
    "cy-GB": "Galwr o'r llinell gymorth ar ôl treial, sy'n siarad Cymraeg. A Welsh-speaking caller.",
}


def flow_copy(tmp_path, *changes) -> str:
    text = (ROOT / "flows.yaml").read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "flows.yaml").write_text(text)
    return str(tmp_path / "flows.yaml")


def line_with(app_config, tmp_path, *changes):
    app_config["IVR_FLOW"] = flow_copy(tmp_path, *changes)
    app_config["IVR_PROMPTS"] = str(ROOT / "prompts")
    return running_app(app_config)


@pytest.fixture
def welsh_first(app_config, tmp_path):
    for app in line_with(app_config, tmp_path, FIRST_WELSH, WELSH_CHOICE_FIRST):
        yield app.test_client()


# --- the greeting ----------------------------------------------------------------------------


def test_the_shipped_line_greets_in_english_first(caller):
    says = caller.ring().gather.findall("Say")
    assert [s.get("language") for s in says] == ["en-GB", "cy-GB"]


def test_welsh_first_says_the_welsh_greeting_and_its_key_first(welsh_first):
    says = Caller(welsh_first).ring().gather.findall("Say")
    assert [s.get("language") for s in says] == ["cy-GB", "en-GB"]
    welsh = " ".join(says[0].itertext())
    assert "ffoniwch 999" in welsh and welsh.rstrip().endswith("pwyswch 1.")
    english = " ".join(" ".join(says[1].itertext()).split())
    assert english.startswith("Welcome to the after-trial support line")
    assert "hang up and call 999" in english and english.endswith("To continue in English, press 2.")


@pytest.mark.parametrize(("key", "language"), [("1", "cy-GB"), ("2", "en-GB")])
def test_welsh_first_keys_lead_into_each_language(welsh_first, key, language):
    caller = Caller(welsh_first)
    caller.ring()
    caller.press(key)
    menu = caller.follow()
    assert {s.get("language") for s in menu.says} == {language}


def test_ivr_check_wants_the_first_languages_choice_listed_first_with_key_1(runner, tmp_path):
    from ivr.cli import main

    path = flow_copy(tmp_path, FIRST_WELSH)
    result = runner.invoke(main, ["check", path, "--prompts", str(ROOT / "prompts")])
    assert result.exit_code == 1
    line = (tmp_path / "flows.yaml").read_text().splitlines().index("        language: cy-GB")  # the key's line
    assert f"{path}:{line}: language 'welcome': settings.first_language is cy-GB, so its choice is said first" in (
        result.output
    )
    fixed = runner.invoke(
        main, ["check", flow_copy(tmp_path, FIRST_WELSH, WELSH_CHOICE_FIRST), "--prompts", str(ROOT / "prompts")]
    )
    assert fixed.exit_code == 0, fixed.output


def test_ivr_check_refuses_a_first_language_the_line_does_not_have(runner, tmp_path):
    from ivr.cli import main

    path = flow_copy(tmp_path, ("  first_language: en-GB\n", "  first_language: gd-GB\n"))
    result = runner.invoke(main, ["check", path, "--prompts", str(ROOT / "prompts")])
    assert result.exit_code == 1
    assert "first_language 'gd-GB' is not one of settings.languages (cy-GB, en-GB)" in result.output


# --- transfers: the person who answers is told the call's language -------------------------------


def to_transfer(caller, node, language):
    return caller.post(f"/voice/node/{node}?l={language}&m=0&s=0&w=0")


@pytest.mark.parametrize("node", ["helpline_transfer", "to_police"])
def test_a_welsh_call_is_announced_to_whoever_answers(caller, node):
    number = to_transfer(caller, node, "cy-GB").find("Dial").find("Number")
    assert number.get("url").startswith("https://line.example.org/voice/whisper/")
    told = caller.post(number.get("url"))
    assert [v.tag for v in told.verbs] == ["Say"]  # no hang-up: the caller is connected after it
    assert told.text == WHISPER["cy-GB"]
    assert told.says[0].get("language") == "cy-GB"


@pytest.mark.parametrize("node", ["helpline_transfer", "to_police"])
def test_an_english_call_on_an_english_line_is_put_straight_through(caller, node):
    number = to_transfer(caller, node, "en-GB").find("Dial").find("Number")
    assert number.get("url") is None
    assert number.text == FLOW.settings.numbers[FLOW.nodes[node].number].e164


def test_on_a_welsh_line_an_english_call_is_announced(app_config, tmp_path):
    for app in line_with(app_config, tmp_path, DEFAULT_WELSH, FIRST_WELSH, WELSH_CHOICE_FIRST):
        caller = Caller(app.test_client())
        english = to_transfer(caller, "helpline_transfer", "en-GB").find("Dial").find("Number")
        assert caller.post(english.get("url")).text == WHISPER["en-GB"]
        welsh = to_transfer(caller, "helpline_transfer", "cy-GB").find("Dial").find("Number")
        assert welsh.get("url") is None


def test_the_whisper_is_signed_like_every_webhook(client):
    response = client.post("/voice/whisper/helpline_transfer?l=cy-GB&m=0&s=0&w=0", data={"CallSid": "CA" + "1" * 32})
    assert response.status_code == 403


def test_a_welsh_call_through_the_whole_line_reaches_the_helpline_announced(caller):
    caller.ring()
    caller.press("2")
    caller.follow()
    dial = caller.press("0")  # a person, in open hours
    number = dial.find("Dial").find("Number")
    assert caller.post(number.get("url")).text == WHISPER["cy-GB"]


def test_ivr_call_prints_what_the_person_who_answers_hears(client):
    """`ivr call` shows the announcement when a transfer is answered."""
    import xml.etree.ElementTree as ET

    from ivr.simulator import Caller as SimCaller
    from ivr.simulator import Script, run_call

    from .conftest import PUBLIC_URL, sign

    class ThroughTestClient(SimCaller):
        def post(self, url, extra=None):
            params = {"CallSid": self.call_sid, "From": self.from_number, "To": self.to_number, **(extra or {})}
            response = client.post(
                url.removeprefix(PUBLIC_URL), data=params, headers={"X-Twilio-Signature": sign(url, params)}
            )
            return ET.fromstring(response.data)

    transcript = run_call(
        ThroughTestClient(PUBLIC_URL, "unused"),
        PUBLIC_URL + "/voice",
        Script("2 s 0 dial:completed"),
        echo=lambda _: None,
    )
    heard = [line for line in transcript if line.startswith("THEY HEAR: ")]
    assert heard == [f"THEY HEAR: {WHISPER['cy-GB']}"]


# --- callback requests carry the call's language ------------------------------------------------


@pytest.fixture
def booking_app(app_config):
    from cryptography.fernet import Fernet

    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    yield from running_app(app_config)


@pytest.mark.parametrize("language", ["en-GB", "cy-GB"])
def test_a_callback_request_carries_the_calls_language(booking_app, language):
    sid = "CA" + ("e" if language == "en-GB" else "f") * 32
    caller = Caller(booking_app.test_client(), from_number="anonymous", call_sid=sid)
    caller.post(f"/voice/node/callback?l={language}&m=0&s=0&w=0")
    caller.follow()  # the number question
    caller.press("02079460101")
    for _ in range(4):  # that is right; the morning; a voicemail is safe; saying who calls is safe
        caller.press("1")
    booked = booking_app.extensions["ivr.callbacks"].by_call(sid)
    assert booked is not None
    assert booked.as_json()["language"] == language
