"""The first start says, in a few lines, what a newcomer needs, and nothing that is not true."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .servers import ROOT, free_port

pytestmark = pytest.mark.slow


def test_a_first_local_start_is_short_and_true(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",  # never made: the start migrates it
        "IVR_AUDIO_DIR": str(tmp_path / "audio"),
        "IVR_SPEECH": "say",
    }
    for name in ("TWILIO_AUTH_TOKEN", "IVR_PUBLIC_URL", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    out = tmp_path / "out.txt"
    with open(out, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "ivr", "serve", "--local", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while "Ring the line" not in out.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, out.read_text()
                time.sleep(0.2)
            time.sleep(1)  # anything printed once the workers boot
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
    text = out.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    listening = f"http://127.0.0.1:{port}"
    assert f"listening at {listening}" in lines[0]
    assert f"Staff area             {listening}/admin/" in text
    assert "staff add you@example.org --role admin" in text  # no accounts yet: how to make the first admin
    assert f"call --url {listening}" in text
    assert "Local auth token" in text
    assert len(lines) <= 8, text
    for noise in ("alembic", "Running upgrade", "WARNING", "unreachable", "have no audio", "Booting worker"):
        assert noise not in text, text
