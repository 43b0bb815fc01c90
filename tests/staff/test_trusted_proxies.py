"""Issue 22 item 17: how many proxies in front of the line add to X-Forwarded-For is a setting,
IVR_TRUSTED_PROXIES (default 1, nginx on this machine). Behind a load balancer in front of nginx
(2), each person is throttled by their own address, not the load balancer's."""

from __future__ import annotations

import pytest

from ivr import create_app
from ivr.staff import accounts, signin

from ..helpers.pages import PASSWORD, sign_in

LOCAL = {"REMOTE_ADDR": "127.0.0.1"}  # nginx on this machine is the direct peer


def key_for(app, forwarded: str, remote: str = "127.0.0.1") -> str | None:
    with app.test_request_context(environ_base={"REMOTE_ADDR": remote}, headers={"X-Forwarded-For": forwarded}):
        return signin.client_key()


def key_of_address(app, address: str) -> str | None:
    return accounts.address_key(address, app.secret_key or "")


@pytest.fixture
def app_config(app_config):
    app_config["IVR_TRUSTED_PROXIES"] = 2
    return app_config


def test_the_setting_defaults_to_one_hop(app_config, monkeypatch):
    monkeypatch.delenv("IVR_TRUSTED_PROXIES", raising=False)
    app_config.pop("IVR_TRUSTED_PROXIES")
    app = create_app(app_config)
    try:
        assert app.config["IVR_TRUSTED_PROXIES"] == 1
        assert key_for(app, "203.0.113.5, 10.0.0.2") == key_of_address(app, "10.0.0.2")  # the hop nginx saw
    finally:
        app.extensions["ivr.db"].dispose()


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("203.0.113.5, 10.0.0.2", "203.0.113.5"),  # the person, then the load balancer nginx saw
        ("198.51.100.66, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # a made-up first entry is passed over
        ("10.0.0.2", "10.0.0.2"),  # one entry only: the one nginx added
    ],
)
def test_two_hops_take_the_address_the_load_balancer_saw(app, forwarded, client):
    assert key_for(app, forwarded) == key_of_address(app, client)


def test_a_far_client_still_cannot_pick_its_address(app):
    assert key_for(app, "203.0.113.5, 10.0.0.2", remote="198.51.100.7") == key_of_address(app, "198.51.100.7")


def test_people_behind_one_load_balancer_are_throttled_apart(app, make_staff, monkeypatch):
    make_staff("ed@example.org", "editor")
    monkeypatch.setattr(accounts, "ADDRESS_FAILURES", 4)
    guesser = app.test_client()
    guesser.environ_base.update(LOCAL, HTTP_X_FORWARDED_FOR="203.0.113.66, 10.0.0.2")
    for n in range(5):
        sign_in(guesser, f"guess{n}@example.org", "wrong password!")
    assert "too many wrong passwords" in sign_in(guesser, "ed@example.org", PASSWORD).get_data(as_text=True)
    colleague = app.test_client()
    colleague.environ_base.update(LOCAL, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.2")
    assert sign_in(colleague, "ed@example.org", PASSWORD).status_code == 302


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_setting_that_is_not_a_whole_number_stops_the_start(app_config, value):
    app_config["IVR_TRUSTED_PROXIES"] = value
    with pytest.raises(Exception, match="IVR_TRUSTED_PROXIES"):
        create_app(app_config)
