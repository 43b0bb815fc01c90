"""IVR_SPEECH=play: <Play> with absolute URLs for clips that exist, <Say> for the rest, pauses between choices."""

from __future__ import annotations

import logging

import pytest

from ivr import default_config
from ivr.audio.clips import flow_clips
from ivr.audio.store import AudioStore
from ivr.audio.synth import engine_version

from ..conftest import PUBLIC_URL
from .conftest import tone

RENDERED = ("welcome.greeting", "welcome.choose")


@pytest.fixture
def app_config(app_config, tmp_path):
    """Play mode, with clips for the greeting and the language choice only (tones stand in for speech)."""
    from ivr.flow import load_flow

    flow = load_flow(app_config["IVR_FLOW"], app_config["IVR_PROMPTS"])
    store = AudioStore(tmp_path / "audio")
    for clip in flow_clips(flow, engine_version()):
        if clip.prompt_id in RENDERED or clip.prompt_id.startswith("sys.press."):
            store.write(clip.name, tone(0.3, rate=8000))
    app_config.update(IVR_SPEECH="play", IVR_AUDIO_DIR=str(store.root))
    return app_config


def test_play_is_the_default_speech_mode_and_audio_lives_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("IVR_SPEECH", raising=False)
    monkeypatch.delenv("IVR_AUDIO_DIR", raising=False)
    config = default_config("/srv/line/instance")
    assert config["IVR_SPEECH"] == "play"
    assert config["IVR_AUDIO_DIR"] == "/srv/line/instance/audio"


def test_rendered_prompts_are_played_from_absolute_urls_and_the_rest_said(caller, app, caplog):
    with caplog.at_level(logging.WARNING, logger="ivr.line.twiml"):
        answer = caller.ring()
    plays = [p.text for p in answer.findall("Play")]
    assert plays and all(url.startswith(f"{PUBLIC_URL}/audio/") and url.endswith(".wav") for url in plays)
    store = app.extensions["ivr.audio"]
    assert all(store.has(url.rsplit("/", 1)[1][:-4]) for url in plays)
    # the welcome clips play; anything without a clip is said instead, and the fallback is logged
    assert len(plays) >= 3
    for url in plays:
        with caller.client.get(url.removeprefix(PUBLIC_URL)) as response:
            assert response.status_code == 200


def test_a_prompt_without_audio_falls_back_to_say_with_a_warning(caller, caplog):
    caller.ring()
    with caplog.at_level(logging.WARNING, logger="ivr.line.twiml"):
        answer = caller.press("1")
    text = answer.text if answer.says else ""
    if not text:
        answer = caller.follow()
        text = answer.text
    assert "press 0 to talk to a person" in text  # keys.intro has no clip: said with <Say>
    assert any("no audio for prompt(s) keys.intro" in r.getMessage() for r in caplog.records)


def test_each_clip_serves_its_words_for_the_simulator(caller, app):
    answer = caller.ring()
    url = answer.findall("Play")[0].text
    words = caller.client.get(url.removeprefix(PUBLIC_URL).removesuffix(".wav") + ".txt")
    assert words.status_code == 200 and words.mimetype == "text/plain"
    assert words.get_data(as_text=True) == app.extensions["ivr.line"]().flow.prompts.text("welcome.greeting", "en-GB")
    assert caller.client.get("/audio/" + "0" * 32 + ".txt").status_code == 404
    assert caller.client.get("/audio/..%2Fflows.txt").status_code == 404


def test_ivr_call_prints_the_words_of_played_clips(app, client):
    """`ivr call` in play mode prints what a caller hears, not clip URLs."""
    from ivr.simulator import Caller, Script, run_call

    class ThroughTestClient(Caller):
        def post(self, url, extra=None):
            import xml.etree.ElementTree as ET

            from ..conftest import sign

            params = {"CallSid": self.call_sid, "From": self.from_number, "To": self.to_number, **(extra or {})}
            path = url.removeprefix(PUBLIC_URL)
            response = client.post(path, data=params, headers={"X-Twilio-Signature": sign(url, params)})
            return ET.fromstring(response.data)

        def words_of(self, url):
            response = client.get(url.removeprefix(PUBLIC_URL).removesuffix(".wav") + ".txt")
            return response.get_data(as_text=True) if response.status_code == 200 else None

    transcript = run_call(
        ThroughTestClient(PUBLIC_URL, "unused"), PUBLIC_URL + "/voice", Script(""), echo=lambda _: None
    )
    first = transcript[0]
    assert first.startswith("LINE: Welcome to the after-trial support line") and "999" in first
    assert "To continue in English, press 1." in "\n".join(transcript)  # a choice's two clips, one line
    assert not any("[plays" in line for line in transcript)
