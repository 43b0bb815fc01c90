"""`ivr serve` refuses to start when it cannot serve safely; one real server rung with `ivr call`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

from ivr.cli import main

from .conftest import ROOT


@pytest.fixture
def env(tmp_path):
    """A clean environment for the CLI: nothing from the developer's shell leaks in."""
    return {
        "TWILIO_AUTH_TOKEN": "",
        "IVR_PUBLIC_URL": "",
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_SPEECH": "say",
        "IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}",
    }


def test_serve_refuses_without_an_auth_token(runner, env):
    result = runner.invoke(main, ["serve", "--port", "1"], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith("ivr serve: TWILIO_AUTH_TOKEN is not set.")
    assert "set it to your Twilio auth token" in result.stderr
    assert "`ivr serve --local`" in result.stderr


def test_serve_refuses_a_broken_flow(runner, env, tmp_path):
    broken = tmp_path / "flows.yaml"
    broken.write_text((ROOT / "flows.yaml").read_text().replace("    next: main\n", "    next: mian\n", 1))
    shutil.copytree(ROOT / "prompts", tmp_path / "prompts")
    result = runner.invoke(
        main, ["serve", "--port", "1"], env={**env, "TWILIO_AUTH_TOKEN": "t", "IVR_FLOW": str(broken)}
    )
    assert result.exit_code == 1
    assert "ivr serve: the call tree fails its checks; run `ivr check` and fix:" in result.stderr
    assert "guidance 'keys_intro' goes to unknown node 'mian'" in result.stderr


def test_serve_refuses_an_unknown_speech_mode(runner, env):
    result = runner.invoke(main, ["serve", "--port", "1"], env={**env, "TWILIO_AUTH_TOKEN": "t", "IVR_SPEECH": "sing"})
    assert result.exit_code == 1
    assert "IVR_SPEECH must be one of" in result.stderr


@pytest.mark.parametrize("args", [["serve", "--port", "0"], ["serve", "--workers", "0"], ["serve", "--bogus"]])
def test_serve_misuse_is_exit_2(runner, env, args):
    assert runner.invoke(main, args, env=env).exit_code == 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_server_rung_with_ivr_call(tmp_path):
    ivr = str(Path(sys.executable).with_name("ivr"))
    port = free_port()
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": "end-to-end-token",
        "IVR_DATA_KEY": Fernet.generate_key().decode(),
        "IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}",
        "IVR_SPEECH": "say",
        "IVR_FLOW": str(ROOT / "flows.yaml"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
    }
    env.pop("IVR_PUBLIC_URL", None)
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [ivr, "serve", "--local", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):  # wait until it listens; not a timing assertion
            if server.poll() is not None:
                break
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        log.seek(0)
        assert server.poll() is None, log.read()
        result = subprocess.run(
            [ivr, "call", "--url", f"http://127.0.0.1:{port}", "--keys", "1 1 s"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].startswith("LINE: Welcome to the after-trial support line")
        assert "hang up and call 999" in lines[0]
        assert lines.count("YOU: 1") == 2
        assert any(
            line.startswith("LINE: There are 4 choices. For help and support after the trial, press 1.")
            for line in lines
        )
        assert "YOU: (silence)" in lines
        assert any(line.startswith("LINE: Sorry, I did not hear anything.") for line in lines)
        assert lines[-1] == "YOU: (hang up)"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_command_groups_share_one_instance_module_and_never_import_the_main_command():
    """`ivr prompts` and `ivr callbacks` take the instance folder and settings from ivr.instance,
    not from ivr.cli (which imports them back: an import circle)."""
    import subprocess
    import sys

    code = (
        "import sys, ivr.prompts.audio_cli, ivr.callbacks.cli, ivr.staff.cli; "
        "assert 'ivr.cli' not in sys.modules, sorted(m for m in sys.modules if m.startswith('ivr'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_ivr_command_does_not_import_prometheus_client():
    """`ivr serve` sets prometheus_client's multiprocess folder before its first import; a module that
    imports it at the top, reached from ivr.cli, makes /metrics count one worker only."""
    import subprocess
    import sys

    code = "import sys, ivr.cli; assert 'prometheus_client' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
