"""A graceful stop loses no journey events (issue 22 item 5).

Calls rung in quick succession, then SIGTERM to `ivr serve` at once: each worker writes the
events its recorder still holds as it exits (gunicorn's worker_exit; atexit elsewhere), so
`ivr report --json` afterwards counts every call, language, hang-up and menu choice.
"""

from __future__ import annotations

import json
import threading

import pytest

from ivr.simulator import Caller, Script, run_call

from .conftest import ivr
from .servers import LiveServer

pytestmark = pytest.mark.slow
TOKEN = "ops-test-token"
WELSH = "2"  # the language menu: Cymraeg
ENGLISH = "1"
PRISON = "1 s 2"  # English, the key guide plays on, then 2 at the main menu: contacted from prison


def test_sigterm_right_after_calls_loses_no_journey_event(tmp_path):
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}"}
    calls = [WELSH] * 7 + [ENGLISH] * 7 + [PRISON] * 7
    server = LiveServer(env, workers=2).start()
    try:
        errors: list[BaseException] = []

        def ring(scripts):
            for keys in scripts:
                try:
                    caller = Caller(server.url, TOKEN)
                    run_call(caller, server.url + "/voice", Script(keys), echo=lambda _line: None)
                    caller.hung_up(server.url + "/voice")
                except BaseException as exc:  # reported below, not lost in a thread
                    errors.append(exc)

        threads = [threading.Thread(target=ring, args=(calls[n::3],)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not errors, errors
    finally:
        server.stop()  # SIGTERM at once, with the last calls' events still waiting in the workers
    assert server.process.returncode == 0, server.log.decode()[-2000:]
    result = ivr(env, "report", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["calls"] == 21
    assert report["languages"] == {"cy-GB": 7, "en-GB": 14}
    assert report["outcomes"]["hung_up"] == 21
    assert (report["nodes"]["main"]["entered"], report["nodes"]["prison"]["entered"]) == (7, 7)
