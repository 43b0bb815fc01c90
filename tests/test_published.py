"""The commands tell the truth about the live line: `ivr prompts render/list/say`, `ivr check`
and `ivr doctor` read the words staff published (the database) over the prompt files."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ivr import doctor
from ivr.cli import main
from ivr.db import upgrade
from ivr.prompts import published, store
from ivr.prompts.models import AudioClip

from .audio.conftest import PROMPTS, write_line
from .conftest import ROOT

BAD_GUIDE = "At any menu, press 0 to talk to a person and star to hear the choices again."


def publish_directly(url, language, prompt_id, text):
    """Words published before today's checks existed (straight into the table)."""
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        store.add_version(session, language, prompt_id, text, "someone@example.org", "publish")
    engine.dispose()


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'ivr.sqlite3'}"
    upgrade(url)
    monkeypatch.setenv("IVR_DATABASE_URL", url)
    return url


def test_ivr_check_and_doctor_check_the_published_words(runner, database, monkeypatch):
    monkeypatch.setenv("IVR_FLOW", str(ROOT / "flows.yaml"))
    monkeypatch.setenv("IVR_PROMPTS", str(ROOT / "prompts"))
    monkeypatch.setenv("IVR_SPEECH", "say")
    assert runner.invoke(main, ["check"]).exit_code == 0
    publish_directly(database, "en-GB", "keys.intro", BAD_GUIDE)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert "prompt 'keys.intro' (en-GB): the standard keys' introduction no longer names back (#)" in result.output
    config = {"IVR_FLOW": str(ROOT / "flows.yaml"), "IVR_PROMPTS": str(ROOT / "prompts"), "IVR_DATABASE_URL": database}
    finding, *numbers = doctor.check_flow_and_numbers(config)
    assert not finding.ok and "keys.intro" in finding.what
    assert [n.what.split()[1] for n in numbers] == ["helpline", "police"]  # each number is still said
    assert published.read(config).source == "the database (1 published prompt(s) over the files)"


def test_without_a_database_the_files_are_the_truth(tmp_path):
    live = published.read({"IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"})
    assert live.texts == {} and live.source == "the prompt files (no database yet)"
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.slow
def test_render_list_and_say_follow_the_published_words(runner, database, tmp_path, monkeypatch):
    flow_file = write_line(tmp_path, PROMPTS)
    monkeypatch.setenv("IVR_FLOW", str(flow_file))
    monkeypatch.delenv("IVR_PROMPTS", raising=False)
    monkeypatch.setenv("IVR_AUDIO_DIR", str(tmp_path / "audio"))
    monkeypatch.setenv("IVR_SPEECH", "play")
    runner.invoke(main, ["prompts", "render"])
    publish_directly(database, "en-GB", "bye", "Goodbye from the published words.")
    listing = runner.invoke(main, ["prompts", "list"])
    rows = {line.split()[0]: line.split()[1:] for line in listing.output.splitlines()[1:-1]}
    assert rows["bye"] == ["stale", "rendered"]  # the live words have no clip yet
    assert "words from the database (1 published prompt(s) over the files)" in listing.output
    result = runner.invoke(main, ["prompts", "render"])
    assert result.exit_code == 0, result.output
    # Only the published words' two clips (both speeds) are new; the line's own sentences are already there.
    assert re.search(r"^2 rendered, \d+ already there, 0 failed", result.output, re.MULTILINE), result.output
    engine = create_engine(database)
    with Session(engine) as session:
        assert len(session.scalars(select(AudioClip.name)).all()) == 2  # shared with every server
    engine.dispose()
    # Another server's empty folder: the published clips come from the database.
    monkeypatch.setenv("IVR_AUDIO_DIR", str(tmp_path / "other-audio"))
    listing = runner.invoke(main, ["prompts", "list"])
    rows = {line.split()[0]: line.split()[1:] for line in listing.output.splitlines()[1:-1]}
    assert rows["bye"] == ["rendered", "missing"]
    said = runner.invoke(main, ["prompts", "say", "bye", "-o", str(tmp_path / "bye.wav")])
    assert said.exit_code == 0 and "Goodbye from the published words." in said.output
