"""No call state lives in a process: calls survive restarts and killed workers."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from ivr.simulator import Caller, Script, run_call

from .servers import LiveServer

pytestmark = pytest.mark.slow
TOKEN = "ops-test-token"


def env(tmp_path) -> dict:
    return {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}"}


def test_a_restart_with_a_call_in_flight_loses_nothing(tmp_path):
    server = LiveServer(env(tmp_path), workers=1).start()
    try:
        caller = Caller(server.url, TOKEN)
        at_menu = caller.post(server.url + "/voice", {})
        action = at_menu.find("Gather").get("action")
        english = caller.post(action, {"Digits": "1"})
        menu_url = english.find("Redirect").text
    finally:
        server.stop()
    restarted = LiveServer(env(tmp_path), workers=1, port=server.port).start()
    try:
        # The same caller carries on from the URL the old process gave: no memory needed.
        menu = caller.post(menu_url, {})
        assert "There are 4 choices." in " ".join(menu.find("Gather").itertext())
        prison = caller.post(menu.find("Gather").get("action"), {"Digits": "2"})
        assert "0845 758 5112" in " ".join(prison.itertext())
    finally:
        restarted.stop()


def test_a_worker_killed_under_load_does_not_stop_the_line(tmp_path):
    with LiveServer(env(tmp_path), workers=2) as server:
        results: list[tuple[float, str]] = []  # (when the call began, how it went)
        stop = threading.Event()

        def load():
            while not stop.is_set():
                began = time.monotonic()
                try:
                    transcript = run_call(
                        Caller(server.url, TOKEN), server.url + "/voice", Script("1 s 2"), echo=lambda _line: None
                    )
                    outcome = "ok" if any("0845 758 5112" in line for line in transcript) else "wrong"
                except Exception as exc:  # a request cut off with its worker
                    outcome = f"error: {exc.__class__.__name__}"
                results.append((began, outcome))

        threads = [threading.Thread(target=load) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(5)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        # Only a call under way on the killed worker may fail; every call begun after it is whole.
        after = [outcome for began, outcome in results if began > killed + 1]
        assert victim not in server.worker_pids()
        assert len(server.worker_pids()) == 2  # gunicorn replaced it
        assert after and all(outcome == "ok" for outcome in after), results
        assert not [outcome for _, outcome in results if outcome == "wrong"]
