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


def test_a_refused_webhook_is_counted_so_a_wrong_token_alerts(client):
    refused = sample(client, "ivr_webhooks_refused_total")
    assert client.post("/voice", data={"CallSid": "CA" + "0" * 32}).status_code == 403  # no signature
    assert sample(client, "ivr_webhooks_refused_total") == refused + 1


@pytest.fixture
def sealed_app_config(app_config):
    from cryptography.fernet import Fernet

    app_config["IVR_DATA_KEY"] = Fernet.generate_key().decode()
    return app_config


def test_the_callback_queue_shows_open_requests_and_the_oldest_ones_age(sealed_app_config, app, client, clock):
    import datetime as dt

    assert sample(client, "ivr_callbacks_open", status="new") == 0
    assert sample(client, "ivr_callbacks_oldest_open_seconds") == 0
    store = app.extensions["ivr.callbacks"]
    safety = {"when": "any", "voicemail": "yes", "identify": "yes"}
    booked = clock() - dt.timedelta(hours=50)
    first, _ = store.book("CA" + "1" * 32, "en-GB", "+447911123456", safety, booked)
    store.book("CA" + "2" * 32, "en-GB", "+447911123457", safety, clock() - dt.timedelta(hours=1))
    assert sample(client, "ivr_callbacks_open", status="new") == 2
    assert sample(client, "ivr_callbacks_oldest_open_seconds") == pytest.approx(50 * 3600, abs=5)
    store.set_status(first.reference, "done", clock(), "spoke to them")
    assert sample(client, "ivr_callbacks_open", status="new") == 1
    assert sample(client, "ivr_callbacks_oldest_open_seconds") == pytest.approx(3600, abs=5)
