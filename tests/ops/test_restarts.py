"""No call state lives in a process: calls survive restarts and killed workers."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest
from cryptography.fernet import Fernet

from ivr.simulator import Caller, Script, run_call

from .conftest import ivr
from .servers import LiveServer

pytestmark = pytest.mark.slow
TOKEN = "ops-test-token"
# English, keys intro, protection, skip, callback, about, own number, afternoon, no voicemail, say who calls
BOOKING = "1 s 4 1 1 s 1 2 2 1"


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


def test_a_worker_killed_under_load_loses_and_doubles_no_booking(tmp_path):
    deployment = {**env(tmp_path), "IVR_DATA_KEY": Fernet.generate_key().decode()}
    with LiveServer(deployment, workers=2) as server:
        results: list[tuple[float, str, str]] = []  # (when the call began, its sid, how it went)
        stop = threading.Event()
        numbers = iter(f"+4479111{n:05d}" for n in range(23456, 99999))

        def load():
            while not stop.is_set():
                began = time.monotonic()
                caller = Caller(server.url, TOKEN, from_number=next(numbers))
                try:
                    transcript = run_call(caller, server.url + "/voice", Script(BOOKING), echo=lambda _line: None)
                    outcome = "booked" if any("Your callback is booked" in line for line in transcript) else "wrong"
                except Exception as exc:  # a request cut off with its worker
                    outcome = f"error: {exc.__class__.__name__}"
                results.append((began, caller.call_sid, outcome))

        threads = [threading.Thread(target=load) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        time.sleep(6)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert victim not in server.worker_pids()
        assert len(server.worker_pids()) == 2  # gunicorn replaced it
        # Only a call under way on the killed worker may fail; every call begun after it books.
        after = [outcome for began, _, outcome in results if began > killed + 1]
        assert after and all(outcome == "booked" for outcome in after), results
        assert not [r for r in results if r[2] == "wrong"], results
    stored = json.loads(ivr(deployment, "callbacks", "list", "--json").stdout)
    sids = [row["call_sid"] for row in stored]
    assert len(sids) == len(set(sids))  # none doubled
    booked = {sid for _, sid, outcome in results if outcome == "booked"}
    assert booked <= set(sids)  # none lost: every booking a caller heard confirmed is stored
