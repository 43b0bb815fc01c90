"""ASVS 3.4.4 (issue 22 item 11): over https the session cookie is named with the `__Host-` prefix
(Secure, Path=/, no Domain: a browser then refuses it from any other host or path, and refuses a
sibling subdomain's attempt to set it)."""

from __future__ import annotations

from ivr import create_app

from ..helpers.pages import token


def session_set_cookie(response) -> str:
    cookies = [v for v in response.headers.getlist("Set-Cookie") if "session=" in v.split(";")[0]]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_over_https_the_session_cookie_is_a_host_cookie(app, client):
    response = client.get("/admin/login")  # the form's token is kept in the session: the cookie is set
    assert token(client)
    header = session_set_cookie(response)
    attributes = [part.strip().lower() for part in header.split(";")]
    assert header.startswith("__Host-session=")
    assert "secure" in attributes and "path=/" in attributes
    assert not any(part.startswith("domain=") for part in attributes)


def test_over_local_http_the_cookie_keeps_its_plain_name(app_config):
    app_config["IVR_PUBLIC_URL"] = "http://127.0.0.1:8000"
    app = create_app(app_config)
    try:
        response = app.test_client().get("/admin/login")
        assert session_set_cookie(response).startswith("session=")
        assert app.config["SESSION_COOKIE_NAME"] == "session"
    finally:
        app.extensions["ivr.db"].dispose()
