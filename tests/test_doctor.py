"""`ivr doctor`: each deployment problem is found and says what to fix."""

from __future__ import annotations

import pytest

from ivr.db import upgrade
from ivr.doctor import check_database, check_flow_and_numbers, check_public_url, check_token, diagnose

from .conftest import ROOT
from .helpers.shipped import shipped_copy


@pytest.mark.parametrize(
    ("url", "ok", "fragment"),
    [
        ("https://line.example.org", True, "IVR_PUBLIC_URL is https://line.example.org"),
        ("http://line.example.org", False, "is not an https origin"),
        ("https://line.example.org/voice", False, "has a path"),
        ("", False, "is not an https origin"),
    ],
)
def test_public_url(url, ok, fragment):
    [finding] = check_public_url({"IVR_PUBLIC_URL": url})
    assert finding.ok is ok
    assert fragment in finding.what


def test_missing_token_is_a_problem_with_a_fix():
    [finding] = check_token({"TWILIO_AUTH_TOKEN": None})
    assert not finding.ok
    assert "auth token" in finding.fix


def test_the_shipped_numbers_are_refused_as_placeholders(tmp_path):
    findings = check_flow_and_numbers({"IVR_FLOW": str(ROOT / "flows.yaml"), "IVR_PROMPTS": str(ROOT / "prompts")})
    assert findings[0].ok
    refused = {f.what.split()[1]: f for f in findings if not f.ok}
    assert set(refused) == {"helpline", "police"}
    assert "is a placeholder: +442079460101 is in Ofcom's drama range" in refused["police"].what
    assert "local police force's non-emergency switchboard number in e164" in refused["police"].fix
    assert "the number this line ships with" in refused["helpline"].what


def shipped_config(tmp_path, *changes):
    return {"IVR_FLOW": str(shipped_copy(tmp_path, *changes)), "IVR_PROMPTS": None}


def test_placeholders_are_refused_even_when_marked_verified(tmp_path):
    config = shipped_config(tmp_path, ("status: verify before going live", "status: verified"))
    tree, helpline, police = check_flow_and_numbers(config)
    assert not tree.ok
    assert "number helpline is marked verified, but +448457585112 is the number this line ships with" in tree.what
    assert not helpline.ok and helpline.what.startswith("number helpline is a placeholder: +448457585112")
    assert not police.ok and "local police force's non-emergency switchboard number in e164" in police.fix


# Valid UK numbers outside the drama ranges, standing in for an operator's real ones; never dialled.
REAL = (('e164: "+448457585112"', 'e164: "+443000606699"'), ('e164: "+442079460101"', 'e164: "+442079461101"'))


def test_real_numbers_not_yet_rung_are_problems(tmp_path):
    findings = check_flow_and_numbers(shipped_config(tmp_path, *REAL))
    unverified = [f for f in findings if not f.ok]
    assert {f.what.split()[1] for f in unverified} == {"helpline", "police"}
    assert all('set its status to "verified"' in f.fix for f in unverified)


def test_real_numbers_marked_verified_pass(tmp_path):
    config = shipped_config(tmp_path, *REAL, ("status: verify before going live", "status: verified"))
    findings = check_flow_and_numbers(config)
    assert all(f.ok for f in findings), [str(f) for f in findings]


def test_database_unmigrated_then_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    [finding] = check_database({"IVR_DATABASE_URL": url})
    assert not finding.ok and finding.fix == "run `ivr db upgrade`"
    upgrade(url)
    [finding] = check_database({"IVR_DATABASE_URL": url})
    assert finding.ok


def test_unreachable_database_hides_the_password():
    [finding] = check_database({"IVR_DATABASE_URL": "postgresql+psycopg://ivr:s3cret@127.0.0.1:1/nowhere"})
    assert not finding.ok
    assert "s3cret" not in finding.what
    assert "cannot be reached" in finding.what


def test_a_broken_check_is_reported_not_raised():
    def explodes(config):
        raise RuntimeError("boom")

    [finding] = diagnose({}, [explodes])
    assert not finding.ok and "boom" in finding.what


def test_doctor_command_exit_code(runner, monkeypatch, tmp_path):
    from ivr.cli import main

    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("IVR_DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite3'}")
    monkeypatch.chdir(ROOT)
    result = runner.invoke(main, ["doctor"])
    assert result.exit_code == 1
    assert "PROBLEM  TWILIO_AUTH_TOKEN is not set" in result.output


@pytest.mark.parametrize(
    ("key", "ok", "fragment"),
    [
        (None, False, "IVR_DATA_KEY is not set"),
        ("not-a-key", False, "not a valid key"),
        ("8-2tP3ZzR1mQvXkq0HqW6n6e0qS0WmY8nYb0m9WcR1Q=", True, "sealed at rest"),
    ],
)
def test_data_key(key, ok, fragment):
    from ivr.doctor import check_data_key

    [finding] = check_data_key({"IVR_DATA_KEY": key})
    assert finding.ok is ok
    assert fragment in finding.what


def test_audio_is_not_needed_in_say_mode():
    from ivr.doctor import check_audio

    [finding] = check_audio({"IVR_SPEECH": "say"})
    assert finding.ok


def test_unrendered_audio_is_a_problem_in_play_mode(tmp_path):
    from ivr.doctor import check_audio

    config = {
        "IVR_SPEECH": "play",
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_AUDIO_DIR": str(tmp_path / "audio"),
    }
    [finding] = check_audio(config)
    assert not finding.ok
    assert "ivr prompts render" in finding.fix
