"""Signing in, lock-out, CSRF, session expiry, cookie flags and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ivr import create_app
from ivr.audit import AuditEvent
from ivr.staff import accounts
from ivr.staff.models import LoginFailure

from ..helpers.pages import PASSWORD, sign_in, token


def audit_actions(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.actor, e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("path", ["/admin", "/admin/", "/admin/prompts", "/admin/diagram", "/admin/audit"])
def test_anyone_not_signed_in_goes_to_the_login_page(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.request.path == "/admin/login"
    assert "Sign in to the staff area" in response.get_data(as_text=True)


def test_sign_in_and_out(app, client, make_staff):
    make_staff("ed@example.org", "editor")
    response = sign_in(client, "ED@example.org ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert "Signed in as ed@example.org (editor)" in client.get("/admin/").get_data(as_text=True)
    response = client.post("/admin/logout", data={"csrf_token": token(client, "/admin/")})
    assert response.headers["Location"] == "/admin/login"
    assert client.get("/admin/prompts").status_code == 302
    assert [a[1] for a in audit_actions(app)] == ["login", "logout"]


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", "x", "Enter your email address"),
        ("ed@example.org", "", "Enter your password"),
        ("ed@example.org", "wrong password!", "The email address or password is not right"),
        ("nobody@example.org", PASSWORD, "The email address or password is not right"),
    ],
)
def test_a_failed_sign_in_says_why_and_links_the_field(client, make_staff, email, password, message):
    make_staff("ed@example.org", "editor")
    response = client.post("/admin/login", data={"email": email, "password": password, "csrf_token": token(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    field = "email" if "email address" in message and "not right" not in message else "password"
    assert f'<a href="#{field}">{message}' in page
    assert f'id="{field}-error"' in page


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, client, make_staff):
    make_staff("ed@example.org", "editor")
    for _ in range(accounts.LOCKOUT_FAILURES):
        sign_in(client, "ed@example.org", "wrong password!")
    response = sign_in(client, "ed@example.org", PASSWORD)
    assert response.status_code == 400
    assert "This account is locked after 5 wrong passwords" in response.get_data(as_text=True)
    failures = [a for a in audit_actions(app) if a[1] == "login.failed"]
    assert len(failures) == accounts.LOCKOUT_FAILURES + 1
    assert failures[-1][2] == "ed@example.org: locked"


def test_the_lock_out_is_kept_in_the_database_for_every_worker(app, app_config, client, make_staff):
    make_staff("ed@example.org", "editor")
    for _ in range(accounts.LOCKOUT_FAILURES):
        sign_in(client, "ed@example.org", "wrong password!")
    other = create_app(app_config)  # another worker on the same database
    try:
        response = sign_in(other.test_client(), "ed@example.org", PASSWORD)
        assert "locked" in response.get_data(as_text=True)
    finally:
        other.extensions["ivr.db"].dispose()


def test_the_lock_out_ends_when_the_failures_are_older_than_the_window(app, client, make_staff):
    make_staff("ed@example.org", "editor")
    old = dt.datetime.now(dt.UTC) - accounts.LOCKOUT_WINDOW - dt.timedelta(seconds=5)
    with app.extensions["ivr.db"].session() as session:
        for _ in range(accounts.LOCKOUT_FAILURES):
            session.add(LoginFailure(email="ed@example.org", at=old))
    assert sign_in(client, "ed@example.org", PASSWORD).status_code == 302
    with app.extensions["ivr.db"].session() as session:
        assert session.scalars(select(LoginFailure)).all() == []


def test_a_missing_csrf_token_is_refused_with_a_clear_page(app, client, make_staff):
    make_staff("ed@example.org", "editor")
    response = client.post("/admin/login", data={"email": "ed@example.org", "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired" in page and "Nothing was changed" in page
    assert audit_actions(app) == []


def test_a_forged_csrf_token_is_refused(editor):
    response = editor.post(
        "/admin/prompts/en-GB/welcome.greeting/save", data={"csrf_token": "forged", "text": "x", "revision": "0"}
    )
    assert response.status_code == 400 and "The form had expired" in response.get_data(as_text=True)


def test_an_idle_session_expires_and_asks_to_sign_in_again(app, editor):
    with editor.session_transaction() as session:
        session["seen"] -= app.config["IVR_STAFF_IDLE_MINUTES"] * 60 + 1
    response = editor.get("/admin/prompts")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your session expired" in page
    assert editor.get("/admin/prompts").status_code == 302


def test_the_session_cookie_is_httponly_samesite_and_secure_on_https(app, editor):
    cookie = editor.get_cookie(app.config["SESSION_COOKIE_NAME"])  # "__Host-session" over https (issue 22 item 11)
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.secure  # PUBLIC_URL is https in tests


def test_the_session_cookie_is_not_secure_for_local_http(app_config, tmp_path):
    app_config["IVR_PUBLIC_URL"] = "http://127.0.0.1:8000"
    app = create_app(app_config)
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is False
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    finally:
        app.extensions["ivr.db"].dispose()


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("editor", "/admin/prompts", 200),
        ("editor", "/admin/accounts", 403),
        ("editor", "/admin/audit", 403),
        ("caseworker", "/admin/prompts", 403),
        ("caseworker", "/admin/prompts/en-GB/welcome.greeting", 403),
        ("caseworker", "/admin/diagram", 200),
        ("admin", "/admin/prompts", 200),
        ("admin", "/admin/accounts", 200),
        ("admin", "/admin/audit", 200),
    ],
)
def test_roles(client, make_staff, role, path, status):
    sign_in(client, make_staff(f"{role}@example.org", role))
    response = client.get(path)
    assert response.status_code == status
    if status == 403:
        assert "You cannot open this page" in response.get_data(as_text=True)


def test_an_admin_adds_an_account_and_it_is_audited(app, admin_client):
    data = {"email": "new@example.org", "role": "caseworker", "password": "a long enough password"}
    response = admin_client.post("/admin/accounts", data={**data, "csrf_token": token(admin_client, "/admin/accounts")})
    assert response.status_code == 302
    assert ("admin@example.org", "account.add", "new@example.org as caseworker") in audit_actions(app)


def test_adding_an_account_with_a_short_password_shows_the_field_error(admin_client):
    data = {
        "email": "new@example.org",
        "role": "editor",
        "password": "short",
        "csrf_token": token(admin_client, "/admin/accounts"),
    }
    page = admin_client.post("/admin/accounts", data=data).get_data(as_text=True)
    assert '<a href="#password">The password must be at least 12 characters long' in page


def test_the_audit_trail_never_holds_a_phone_number(app):
    from ivr.audit import scrub

    assert scrub("viewed ABC123 +44 7700 900123 and 07700900123") == (
        "viewed ABC123 [number removed] and [number removed]"
    )


def test_workers_without_ivr_secret_key_share_one_kept_in_the_instance_folder(tmp_path):
    from ivr import _instance_secret

    first = _instance_secret(str(tmp_path))
    assert len(first) == 64 and _instance_secret(str(tmp_path)) == first
    assert (tmp_path / "secret-key").stat().st_mode & 0o777 == 0o600


def test_an_admin_switches_an_account_off_and_it_is_signed_out_at_once(app, client, make_staff):
    from ..helpers.pages import sign_in as sign_in_as

    make_staff("ed@example.org", "editor")
    editor_client = app.test_client()
    sign_in_as(editor_client, "ed@example.org")
    assert editor_client.get("/admin/prompts").status_code == 200
    sign_in_as(client, make_staff("admin@example.org", "admin"))
    with app.extensions["ivr.db"].session() as session:
        from ivr.staff.models import Staff

        ed = session.scalar(select(Staff).where(Staff.email == "ed@example.org"))
    response = client.post(
        f"/admin/accounts/{ed.id}/active", data={"csrf_token": token(client, "/admin/accounts"), "active": "0"}
    )
    assert response.status_code == 302
    assert editor_client.get("/admin/prompts").status_code == 302  # to the sign-in page
    assert sign_in_as(editor_client, "ed@example.org").status_code == 400
    assert ("admin@example.org", "account.off", "ed@example.org") in audit_actions(app)


def test_an_admin_cannot_switch_off_their_own_account(app, admin_client):
    from ivr.staff.models import Staff

    with app.extensions["ivr.db"].session() as session:
        me = session.scalar(select(Staff).where(Staff.email == "admin@example.org"))
    data = {"csrf_token": token(admin_client, "/admin/accounts"), "active": "0"}
    response = admin_client.post(f"/admin/accounts/{me.id}/active", data=data, follow_redirects=True)
    assert "You cannot switch off your own account" in response.get_data(as_text=True)
    with app.extensions["ivr.db"].session() as session:
        assert session.get(Staff, me.id).active is True
