"""`ivr prompts render | list | say` and the audio warnings of `ivr check`."""

from __future__ import annotations

import pytest
import soundfile as sf

from ivr.cli import main

from ..conftest import ROOT
from .conftest import PROMPTS, write_line


@pytest.fixture
def line_env(tmp_path, monkeypatch):
    flow_file = write_line(tmp_path, PROMPTS)
    monkeypatch.setenv("IVR_FLOW", str(flow_file))
    monkeypatch.delenv("IVR_PROMPTS", raising=False)
    monkeypatch.setenv("IVR_AUDIO_DIR", str(tmp_path / "audio"))
    monkeypatch.setenv("IVR_SPEECH", "play")
    return tmp_path


@pytest.mark.slow
def test_render_then_list_shows_every_prompt_rendered(runner, line_env):
    result = runner.invoke(main, ["prompts", "render"])
    assert result.exit_code == 0, result.output
    assert "16 rendered, 0 already there, 0 failed" in result.output  # sys.digit.7 also ends a group, with a pause
    listing = runner.invoke(main, ["prompts", "list"])
    assert listing.exit_code == 0
    rows = {line.split()[0]: line.split()[1:] for line in listing.output.splitlines()[1:-1]}
    assert rows == {pid: ["rendered", "rendered"] for pid in ("bye", "sys.digit.7", "sys.press.1")}


@pytest.mark.slow
def test_list_says_stale_after_an_edit_and_render_fails_on_unsayable_words(runner, line_env):
    runner.invoke(main, ["prompts", "render"])
    prompts = line_env / "prompts" / "en-GB.yaml"
    prompts.write_text(prompts.read_text().replace("Goodbye, and take care.", "Goodbye 👋"))
    listing = runner.invoke(main, ["prompts", "list"])
    assert [line.split()[1:] for line in listing.output.splitlines() if line.startswith("bye")] == [
        ["stale", "rendered"]
    ]
    result = runner.invoke(main, ["prompts", "render"])
    assert result.exit_code == 1
    assert "prompt 'bye' (en-GB): it contains '👋' (waving hand sign)" in result.output


def test_list_before_any_render_says_missing(runner, line_env):
    listing = runner.invoke(main, ["prompts", "list"])
    assert listing.exit_code == 0
    assert "6 missing" in listing.output.splitlines()[-1]


@pytest.mark.slow
def test_say_writes_a_wav_where_asked(runner, line_env):
    out = line_env / "seven.wav"
    result = runner.invoke(main, ["prompts", "say", "sys.digit.7", "--lang", "cy-GB", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "saith"
    assert sf.info(out).samplerate == 8000


def test_say_an_unknown_prompt_or_language_is_misuse(runner, line_env):
    assert runner.invoke(main, ["prompts", "say", "nope"]).exit_code == 2
    assert runner.invoke(main, ["prompts", "say", "bye", "--lang", "fr-FR"]).exit_code == 2


def test_check_in_play_mode_warns_when_prompts_have_no_audio(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("IVR_SPEECH", "play")
    monkeypatch.setenv("IVR_AUDIO_DIR", str(tmp_path / "empty"))
    result = runner.invoke(main, ["check", str(ROOT / "flows.yaml")])
    assert f"warning: no prompt has audio in {tmp_path / 'empty'} yet" in result.output
    monkeypatch.setenv("IVR_SPEECH", "say")
    assert "has audio" not in runner.invoke(main, ["check", str(ROOT / "flows.yaml")]).output
