"""ASVS 3.3.1 (issue 22 item 10): the state between the password and the code ends when the
sign-in completes and serves one sign-in only. Its cookie, kept and replayed after the person
finished signing in, opens nothing with a later code (it once did, for ten minutes, without the
password)."""

from __future__ import annotations

import time

from ..helpers import staff as staff_helpers
from ..helpers.pages import PASSWORD, token

EMAIL = "cw@example.org"


def password_only(client):
    response = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token(client)})
    assert response.headers["Location"] == "/admin/login/code"
    return response


def with_cookie_of(app, client):
    """A new browser holding `client`'s session cookie as it is now (a copy an attacker kept)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    other = app.test_client()
    other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def code_for_step(step: int) -> str:
    return staff_helpers.code_at(staff_helpers.SECRET, step)


def test_the_pending_cookie_replayed_after_sign_in_opens_nothing(app, client, make_staff):
    make_staff(EMAIL, "caseworker")
    password_only(client)
    kept = with_cookie_of(app, client)  # the cookie after the password step
    now = int(time.time() // 30)
    form = {"code": code_for_step(now), "csrf_token": token(client, "/admin/login/code")}
    assert client.post("/admin/login/code", data=form).headers["Location"] == "/admin/"
    # Replayed with the person's next code (seen over a shoulder): the code page is gone, no sign-in.
    replay = kept.get("/admin/login/code")
    assert replay.status_code == 302 and replay.headers["Location"] == "/admin/login"
    form = {"code": code_for_step(now + 1), "csrf_token": token(kept, "/admin/login")}  # the kept session's token
    answer = kept.post("/admin/login/code", data=form)
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/login"
    assert kept.get("/admin/queue").status_code == 302  # not signed in
    assert client.get("/admin/queue").status_code == 200  # the person still is


def test_a_pending_state_copied_before_it_completes_signs_in_once(app, client, make_staff):
    make_staff(EMAIL, "caseworker")
    password_only(client)
    twin = with_cookie_of(app, client)
    twin_token = token(twin, "/admin/login/code")  # the code page is open in both
    now = int(time.time() // 30)
    form = {"code": code_for_step(now), "csrf_token": token(client, "/admin/login/code")}
    assert client.post("/admin/login/code", data=form).headers["Location"] == "/admin/"
    answer = twin.post("/admin/login/code", data={"code": code_for_step(now + 1), "csrf_token": twin_token})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/login"
    assert twin.get("/admin/queue").status_code == 302
