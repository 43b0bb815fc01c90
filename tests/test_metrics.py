"""Prometheus metrics: counted per call and transfer outcome, closed to other hosts, no personal data."""

from __future__ import annotations

import re

import pytest


def sample(client, name: str, **labels) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$" if labels else rf"^{re.escape(name)} (\S+)$"
    found = re.search(pattern, text, re.M)
    return float(found.group(1)) if found else 0.0


def test_calls_and_transfer_outcomes_are_counted(client, caller):
    calls = sample(client, "ivr_calls_total")
    busy = sample(client, "ivr_transfers_total", outcome="busy")
    caller.to_main_menu()
    caller.press("0")
    caller.dial_ends("busy")
    assert sample(client, "ivr_calls_total") == calls + 1
    assert sample(client, "ivr_transfers_total", outcome="busy") == busy + 1


def test_webhook_latency_is_a_histogram_by_route(client, caller):
    caller.ring()
    text = client.get("/metrics").get_data(as_text=True)
    assert re.search(r'^ivr_webhook_seconds_bucket\{le="0.05",route="/voice"\} \d', text, re.M)


def test_metrics_hold_no_phone_number(client, caller):
    caller.to_main_menu()
    text = client.get("/metrics").get_data(as_text=True)
    assert "7700900123" not in text and caller.params["CallSid"] not in text


def test_metrics_refuse_other_hosts(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403


@pytest.mark.parametrize(("header", "status"), [(None, 403), ("Bearer wrong", 403), ("Bearer m-token", 200)])
def test_metrics_token(app_config, header, status):
    from ivr import create_app

    app_config["IVR_METRICS_TOKEN"] = "m-token"
    client = create_app(app_config).test_client()
    headers = {"Authorization": header} if header else {}
    response = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == status


def test_bookings_are_counted_by_result(app_config):
    from cryptography.fernet import Fernet

    from ivr import create_app
    from ivr.db import upgrade

    from .callbacks.test_journey import to_booking
    from .conftest import Caller

    upgrade(app_config["IVR_DATABASE_URL"])
    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    app = create_app(app_config)
    client = app.test_client()
    booked = sample(client, "ivr_bookings_total", result="booked")
    caller = Caller(client, from_number="+447911123456")
    to_booking(caller)
    for key in ("1", "2", "2", "1"):  # own number, afternoon, no voicemail, say who is calling
        caller.press(key)
    assert "Your callback is booked" in caller.answer.text
    assert sample(client, "ivr_bookings_total", result="booked") == booked + 1
    app.extensions["ivr.db"].dispose()
