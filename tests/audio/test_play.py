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
    with caplog.at_level(logging.WARNING, logger="ivr.twiml"):
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
    with caplog.at_level(logging.WARNING, logger="ivr.twiml"):
        answer = caller.press("1")
    text = answer.text if answer.says else ""
    if not text:
        answer = caller.follow()
        text = answer.text
    assert "press 0 to talk to a person" in text  # keys.intro has no clip: said with <Say>
    assert any("no audio for prompt(s) keys.intro" in r.getMessage() for r in caplog.records)
