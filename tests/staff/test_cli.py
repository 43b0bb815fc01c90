"""`ivr staff add`, `ivr staff export-prompts` and `ivr diagram`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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


@pytest.fixture
def no_system_graphviz(tmp_path, monkeypatch):
    """PATH is one empty folder: no Graphviz `dot`, nor anything else, can be found on it."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("dot") is None
    return {**os.environ, "PATH": str(empty)}


def test_diagram_writes_an_svg_with_keys_transfers_and_callback(runner, tmp_path, no_system_graphviz):
    out = tmp_path / "tree.svg"
    result = runner.invoke(main, ["diagram", str(ROOT / "flows.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "press 1" in svg and "Transfer: helpline" in svg and "Callback booking" in svg
    assert "graphviz-pure" in svg  # laid out by the wheel's program, not a system dot


def test_the_ivr_command_draws_the_diagram_with_nothing_on_path(tmp_path, no_system_graphviz):
    """As an operator runs it: `.venv/bin/ivr diagram` with the venv's bin folder not on PATH."""
    ivr = Path(sys.executable).with_name("ivr")
    out = tmp_path / "tree.png"
    done = subprocess.run(
        [str(ivr), "diagram", str(ROOT / "flows.yaml"), "-o", str(out)],
        env=no_system_graphviz,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n")


def test_diagram_refuses_a_format_it_cannot_draw(runner, tmp_path):
    result = runner.invoke(main, ["diagram", str(ROOT / "flows.yaml"), "-o", str(tmp_path / "tree.pdf")])
    assert result.exit_code == 2
    assert "cannot write .pdf; use .svg, .png, .jpeg or .dot" in result.output
    assert not (tmp_path / "tree.pdf").exists()


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


@pytest.mark.parametrize(
    ("path", "where"), [("/admin/diagram", 'class="app-diagram"'), ("/admin/try", 'id="try-diagram"')]
)
def test_the_staff_pages_draw_the_diagram_with_no_system_graphviz(editor, no_system_graphviz, path, where):
    page = editor.get(path).get_data(as_text=True)
    assert where in page
    picture = page[page.index('<svg role="img"') : page.index("</svg>")]
    assert "press 1" in picture and "Transfer: helpline" in picture and "Callback booking" in picture
    assert "cannot be drawn" not in page
