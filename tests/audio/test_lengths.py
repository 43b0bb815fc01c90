"""`ivr prompts lengths`: the seconds callers listen before a choice, measured on the clips."""

from __future__ import annotations

from ivr.audio.clips import flow_clips
from ivr.audio.store import AudioStore
from ivr.audio.synth import engine_version
from ivr.cli import main
from ivr.flow import load_flow

from ..conftest import ROOT
from .conftest import tone


def line(tmp_path, monkeypatch, seconds: float, skip: str = ""):
    flow = load_flow(ROOT / "flows.yaml", ROOT / "prompts")
    store = AudioStore(tmp_path / "audio")
    for clip in flow_clips(flow, engine_version()):
        if clip.prompt_id != skip and not store.has(clip.name):
            store.write(clip.name, tone(seconds, rate=8000))
    monkeypatch.setenv("IVR_FLOW", str(ROOT / "flows.yaml"))
    monkeypatch.setenv("IVR_PROMPTS", str(ROOT / "prompts"))
    monkeypatch.setenv("IVR_AUDIO_DIR", str(store.root))
    monkeypatch.setenv("IVR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite3'}")
    return flow


def rows(output: str) -> dict[tuple[str, str], str]:
    return {tuple(text.split()[:2]): text for text in output.splitlines()}


def test_each_greeting_and_stretch_is_measured_on_its_clips(runner, tmp_path, monkeypatch):
    line(tmp_path, monkeypatch, 2.0)
    result = runner.invoke(main, ["prompts", "lengths"])
    assert result.exit_code == 0, result.output
    found = rows(result.output)
    # English: the greeting, "To continue in English", "press 1." = 3 clips of 2 s; Welsh: 2 clips.
    assert "6.0 s  (welcome.greeting, welcome.choose, sys.press.1)" in found[("greeting", "en-GB")]
    assert "4.0 s  (welcome.choose, sys.press.2)" in found[("greeting", "cy-GB")]
    assert "6.0 s  (protection.skip, protection.who, protection.detained)" in found[("protection", "cy-GB")]
    assert "2.0 s  (help.local)" in found[("help_local", "en-GB")]


def test_a_stretch_over_its_limit_or_not_rendered_fails(runner, tmp_path, monkeypatch):
    line(tmp_path, monkeypatch, 10.5, skip="help.local")
    result = runner.invoke(main, ["prompts", "lengths"])
    assert result.exit_code == 1
    found = rows(result.output)
    assert "31.5 s  over 30 s" in found[("protection", "en-GB")]
    assert "not rendered: run `ivr prompts render`" in found[("help_local", "cy-GB")]
    assert "31.5 s  over 15 s" in found[("greeting", "en-GB")]
