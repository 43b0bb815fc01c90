"""`ivr staff add`, `ivr staff export-prompts` and `ivr diagram`."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from ivr.cli import main
from ivr.staff.models import Staff

from ..conftest import ROOT


def env_for(app_config):
    return {
        "TWILIO_AUTH_TOKEN": app_config["TWILIO_AUTH_TOKEN"],
        "IVR_DATABASE_URL": app_config["IVR_DATABASE_URL"],
        "IVR_FLOW": app_config["IVR_FLOW"],
        "IVR_PROMPTS": app_config["IVR_PROMPTS"],
        "IVR_SPEECH": "say",
    }


def test_staff_add_reads_the_password_from_stdin(app, runner, app_config):
    result = runner.invoke(
        main,
        ["staff", "add", "First@Example.org", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
        env=env_for(app_config),
    )
    assert result.exit_code == 0, result.output
    assert "added first@example.org as admin" in result.output
    with app.extensions["ivr.db"].session() as session:
        person = session.scalar(select(Staff))
    assert person.email == "first@example.org" and person.role == "admin"
    assert person.password_hash.startswith("$argon2id$") and "long enough" not in person.password_hash


def test_staff_add_asks_twice_and_refuses_a_short_password(app, runner, app_config):
    result = runner.invoke(
        main, ["staff", "add", "a@example.org", "--role", "editor"], input="short\nshort\n", env=env_for(app_config)
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_staff_add_refuses_an_unknown_role(runner):
    result = runner.invoke(main, ["staff", "add", "a@example.org", "--role", "boss"])
    assert result.exit_code == 2


def test_diagram_writes_an_svg_with_keys_transfers_and_callback(runner, tmp_path):
    out = tmp_path / "tree.svg"
    result = runner.invoke(main, ["diagram", str(ROOT / "flows.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "press 1" in svg and "Transfer: helpline" in svg and "Callback booking" in svg


def test_export_prompts_writes_the_published_words_to_the_files(app, runner, app_config, tmp_path):
    from ivr.prompts import store

    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    with app.extensions["ivr.db"].session() as session:
        store.publish_text(
            session, "en-GB", "main.help", "For help after the trial", "ed@example.org", "publish", lambda overrides: []
        )
    env = {**env_for(app_config), "IVR_PROMPTS": str(folder)}
    result = runner.invoke(main, ["staff", "export-prompts"], env=env)
    assert result.exit_code == 0, result.output
    text = (folder / "en-GB.yaml").read_text()
    assert "main.help: For help after the trial\n" in text
    assert text.startswith("# English words")  # comments kept
    assert (folder / "cy-GB.yaml").read_text() == (ROOT / "prompts" / "cy-GB.yaml").read_text()


def test_ivr_prompts_export_is_the_same_command_on_the_audio_group(app, runner, app_config, tmp_path):
    from ivr.prompts import store

    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    with app.extensions["ivr.db"].session() as session:
        store.publish_text(
            session, "cy-GB", "main.help", "Am help ar ôl y treial", "ed@example.org", "publish", lambda overrides: []
        )
    result = runner.invoke(main, ["prompts", "export", "--to", str(folder)], env=env_for(app_config))
    assert result.exit_code == 0, result.output
    assert "1 prompt(s) written" in result.output
    assert "main.help: Am help ar ôl y treial\n" in (folder / "cy-GB.yaml").read_text(encoding="utf-8")


def test_the_first_admin_on_a_fresh_install_needs_no_token_and_no_db_upgrade(runner, tmp_path, monkeypatch):
    """A fresh clone: no database yet, no TWILIO_AUTH_TOKEN (the --local line keeps its own)."""
    from sqlalchemy import create_engine

    database = tmp_path / "fresh.sqlite3"
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    result = runner.invoke(
        main,
        ["staff", "add", "first@example.org", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
        env={"IVR_DATABASE_URL": f"sqlite:///{database}", "TWILIO_AUTH_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    assert "added first@example.org as admin" in result.output
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("select email, role from staff").all() == [("first@example.org", "admin")]
    engine.dispose()
