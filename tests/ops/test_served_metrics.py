"""/metrics under the real `ivr serve` (gunicorn, several workers) counts what the workers did."""

from __future__ import annotations

import re

import pytest
import requests

from ivr.simulator import Caller

from .servers import LiveServer

pytestmark = pytest.mark.slow
TOKEN = "ops-metrics-token"


def value(text: str, name: str) -> float:
    found = re.findall(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    assert found, f"{name} missing from /metrics:\n{text[:1500]}"
    return sum(float(v) for v in found)


def test_metrics_add_up_every_worker_after_calls(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}", "HOME": str(home)}
    with LiveServer(env, workers=3) as server:
        for _ in range(9):  # spread over the workers
            caller = Caller(server.url, TOKEN)
            menu = caller.post(server.url + "/voice", {})
            caller.post(menu.find("Gather").get("action"), {"Digits": "1"})
        answer = requests.get(server.url + "/metrics", timeout=10)
    assert not (home / ".gunicorn").exists(), "gunicorn's control socket is shared by every instance on the machine"
    assert answer.status_code == 200
    text = answer.text
    assert int(answer.headers["Content-Length"]) > 0
    assert value(text, "ivr_calls_total") == 9
    assert value(text, 'ivr_webhook_seconds_count{route="/voice"}') >= 9
