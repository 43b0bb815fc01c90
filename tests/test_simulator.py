"""`ivr call`'s caller: scripted keys walk the real webhooks (through Flask's test client here)."""

from __future__ import annotations

import pytest

from ivr import simulator
from ivr.cli import main

from .conftest import PUBLIC_URL, TOKEN


@pytest.fixture
def client(shared_client):
    return shared_client


@pytest.fixture(autouse=True)
def clock(shared_open_clock):
    return shared_open_clock


class FlaskSession:
    """Stands in for requests.Session: posts go to the Flask test client."""

    def __init__(self, client):
        self.client = client

    def post(self, target, data, headers, timeout):
        response = self.client.post(target, data=data, headers=headers)
        response.content = response.data
        response.text = response.get_data(as_text=True)
        return response


def call(client, keys, token=TOKEN, from_number="+447700900123"):
    caller = simulator.Caller("", token, from_number, session=FlaskSession(client))
    lines = []
    transcript = simulator.run_call(caller, f"{PUBLIC_URL}/voice", simulator.Script(keys), echo=lines.append)
    assert transcript == lines
    return transcript


@pytest.mark.parametrize(
    ("text", "inputs"),
    [
        ("1 * s", [("digits", "1"), ("digits", "*"), ("silence", ""), ("hangup", "")]),
        ("say:more_time", [("speech", "more time"), ("hangup", "")]),
        ("", [("hangup", "")]),
    ],
)
def test_script_reads_keys_silence_and_speech(text, inputs):
    script = simulator.Script(text)
    assert [script.next_input() for _ in inputs] == inputs


def test_script_dial_outcomes():
    script = simulator.Script("dial:busy 1")
    assert script.dial_outcome() == "busy"
    assert script.dial_outcome() == "completed"  # no dial: token next: the transfer is answered
    assert script.next_input() == ("digits", "1")


def test_a_scripted_call_hears_the_greeting_and_the_menu(client):
    transcript = call(client, "1 1 s")
    assert transcript[0].startswith("LINE: Welcome to the after-trial support line")
    assert "hang up and call 999" in transcript[0]
    assert transcript[2] == "YOU: 1"
    assert transcript[3].startswith("LINE: At any menu, press 0 to talk to a person")
    assert "YOU: (silence)" in transcript
    assert any(line.startswith("LINE: Sorry, I did not hear anything.") for line in transcript)
    assert transcript[-1] == "YOU: (hang up)"


def test_a_scripted_transfer_that_is_busy_is_explained(client):
    transcript = call(client, "1 1 1 1 0 dial:busy")
    assert "LINE: [connecting you to +448457585112]" in transcript
    assert "LINE: [the transfer ended: busy]" in transcript
    after = transcript[transcript.index("LINE: [the transfer ended: busy]") + 1]
    assert after.startswith("LINE: The line is busy.")


def test_a_completed_transfer_says_goodbye_and_hangs_up(client):
    transcript = call(client, "1 1 1 1 0 dial:completed")
    assert transcript[-2:] == ["LINE: Thank you for calling. Take care. Goodbye.", "LINE: [hangs up]"]


def test_a_wrong_token_is_refused_with_a_message(client):
    with pytest.raises(simulator.click.ClickException) as caught:
        call(client, "1", token="wrong")
    assert "the line answered 403 at /voice" in caught.value.message


def test_ivr_call_without_a_token_is_misuse(runner, monkeypatch, tmp_path):
    monkeypatch.setattr(simulator, "find_token", lambda: None)
    result = runner.invoke(main, ["call", "--keys", "1"], env={"TWILIO_AUTH_TOKEN": ""})
    assert result.exit_code == 2
    assert "no auth token: set TWILIO_AUTH_TOKEN, or start the line with `ivr serve --local`" in result.output


def test_ivr_call_to_nothing_says_so(runner, monkeypatch):
    from .test_cli import free_port

    port = free_port()
    result = runner.invoke(
        main, ["call", "--url", f"http://127.0.0.1:{port}", "--keys", "1"], env={"TWILIO_AUTH_TOKEN": "t"}
    )
    assert result.exit_code == 1
    assert f"cannot reach the line at http://127.0.0.1:{port}: is `ivr serve` running?" in result.output


# --- Number entry as Twilio takes it (issue 14, item 9) ------------------------------------------------------------
# The booking asks for a number "then press hash": Twilio gathers keys until # and sends them without it; a key
# pressed at a one-key menu is just that key. The simulator must do the same, in scripts and at the terminal.

TO_NUMBER_ENTRY = "1 1 4 1 1 1"  # English, past the keys, to protection, past it, a callback, past its introduction


@pytest.fixture
def booking_client(tmp_path, clock):
    """A line that books callbacks (a data key), rung by a withheld caller so it asks for a number."""
    from cryptography.fernet import Fernet

    from .conftest import line_config, running_app

    config = line_config(tmp_path, clock, IVR_DATA_KEY=Fernet.generate_key().decode())
    for app in running_app(config):
        yield app.test_client()


def heard_back(transcript):
    """The line's words after the number was keyed: the read-back ("I heard zero seven nine one one, ...")."""
    return [line for line in transcript if line.startswith("LINE: I heard")]


@pytest.mark.parametrize(
    "keyed",
    [
        pytest.param("07911123456#", id="one-token-then-hash"),
        pytest.param("0 7 9 1 1 1 2 3 4 5 6 #", id="key-by-key-then-hash"),
        pytest.param("0791112 3456#", id="in-two-goes"),
        pytest.param("07911123456 s", id="no-hash-then-the-timeout"),
    ],
)
def test_a_number_keyed_the_way_the_prompt_says_is_read_back(booking_client, keyed):
    transcript = call(booking_client, f"{TO_NUMBER_ENTRY} {keyed}", from_number="")
    assert transcript[-1] == "YOU: (hang up)"
    (read_back,) = heard_back(transcript)
    assert "I heard zero seven nine one one, one two three, four five six." in read_back
    assert not any("too short" in line for line in transcript)


def test_a_zero_that_starts_a_number_is_a_digit_not_a_person(booking_client):
    transcript = call(booking_client, f"{TO_NUMBER_ENTRY} 0 7 9 1 1 1 2 3 4 5 6 #", from_number="")
    assert not any("Putting you through" in line for line in transcript)
    assert heard_back(transcript)


def test_zero_then_hash_alone_still_asks_for_a_person(booking_client):
    transcript = call(booking_client, f"{TO_NUMBER_ENTRY} 0# dial:busy", from_number="")
    assert "LINE: [connecting you to +448457585112]" in transcript


def test_a_menu_takes_one_key_as_twilio_does(client):
    """Keys typed together at a one-key menu: Twilio takes the first and the line hears only that."""
    transcript = call(client, "1 1 4")
    assert transcript.count("YOU: 1") == 2
    with_extra = call(client, "12 1 4")
    assert with_extra[2] == "YOU: 1"
    assert with_extra[3:] == transcript[3:]


def test_the_terminal_takes_a_whole_number_at_number_entry(booking_client, monkeypatch):
    typed = iter([*TO_NUMBER_ENTRY.split(), "07911123456#", "q"])
    monkeypatch.setattr(simulator.click, "prompt", lambda *args, **kwargs: next(typed))
    caller = simulator.Caller("", TOKEN, "", session=FlaskSession(booking_client))
    lines = []
    simulator.run_call(caller, f"{PUBLIC_URL}/voice", simulator.Terminal(), echo=lines.append)
    assert heard_back(lines)
    assert "YOU: 07911123456" in lines  # what Twilio sends: the keys without the #


def test_the_call_ends_with_twilios_status_callback(client):
    """`ivr call` posts the status callback when the call is over, signed, so the reports see how it ended."""
    ended = []
    hooks = client.application.extensions["ivr.status_hooks"]
    hooks.append(ended.append)
    try:
        caller = simulator.Caller("", TOKEN, "+447700900123", session=FlaskSession(client))
        simulator.run_call(caller, f"{PUBLIC_URL}/voice", simulator.Script("1"), echo=lambda line: None)
        caller.hung_up(f"{PUBLIC_URL}/voice")
    finally:
        hooks.remove(ended.append)
    assert [(form["CallSid"], form["CallStatus"]) for form in ended] == [(caller.call_sid, "completed")]
