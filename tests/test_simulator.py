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
