"""Passwords and roles: change your own, an admin's temporary password that must be changed,
strength rules, role changes (never your own), `ivr staff passwd` and `ivr staff role`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.cli import main
from ivr.staff import accounts
from ivr.staff.models import Staff

from ..helpers.pages import PASSWORD, sign_in, token
from .test_cli import env_for

NEW = "plum orchard lantern quietly"


def actions(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def person(app, email):
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(Staff).where(Staff.email == email))


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short one", "at least 12 characters"),
        (" " * 14, "only spaces"),
        ("\t\n  \u3000      ", "only spaces"),
        ("password1234", "too easy to guess"),
        ("Password123!", "too easy to guess"),
        ("qwertyuiop12", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("iloveyou2024", "too easy to guess"),
        ("x" * 257, "at most 256"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, why):
    with pytest.raises(accounts.AccountError, match=why):
        accounts.check_new_password(password)


def test_a_password_made_of_the_email_is_refused():
    with pytest.raises(accounts.AccountError, match="too easy to guess"):
        accounts.check_new_password("jane.smith2024", "jane.smith@example.org")


@pytest.mark.parametrize("password", [PASSWORD, NEW, "a long enough password"])
def test_good_passwords_pass(password):
    accounts.check_new_password(password, "someone@example.org")


def test_change_your_own_password_with_the_current_one(app, caseworker):
    other = app.test_client()
    sign_in(other, "caseworker@example.org")
    page = token(caseworker, "/admin/account")
    response = caseworker.post(
        "/admin/account", data={"csrf_token": page, "current_password": "not my password", "new_password": NEW}
    )
    assert response.status_code == 400 and "Your current password is not right" in response.get_data(as_text=True)
    response = caseworker.post(
        "/admin/account", data={"csrf_token": page, "current_password": PASSWORD, "new_password": "password1234"}
    )
    assert response.status_code == 400 and "too easy to guess" in response.get_data(as_text=True)
    response = caseworker.post(
        "/admin/account", data={"csrf_token": page, "current_password": PASSWORD, "new_password": NEW}
    )
    assert response.status_code == 302
    assert caseworker.get("/admin/queue").status_code == 200  # this browser stays signed in
    assert other.get("/admin/queue").status_code == 302  # every other session ended
    assert ("password.change", "") in actions(app)
    assert accounts.verify_password(person(app, "caseworker@example.org"), NEW)


def test_sign_out_everywhere_else_keeps_this_session(app, caseworker):
    other = app.test_client()
    sign_in(other, "caseworker@example.org")
    caseworker.post("/admin/account", data={"csrf_token": token(caseworker, "/admin/account"), "action": "elsewhere"})
    assert caseworker.get("/admin/queue").status_code == 200
    assert other.get("/admin/queue").status_code == 302
    assert ("logout.elsewhere", "") in actions(app)


def test_an_admin_sets_a_temporary_password_that_must_be_changed(app, admin_client, make_staff):
    make_staff("ed@example.org", "editor")
    someone = person(app, "ed@example.org")
    url = f"/admin/accounts/{someone.id}"
    response = admin_client.post(
        url, data={"csrf_token": token(admin_client, url), "action": "password", "temporary_password": "short"}
    )
    assert response.status_code == 400 and "at least 12 characters" in response.get_data(as_text=True)
    temporary = "granite heron umbrella 7"
    admin_client.post(
        url, data={"csrf_token": token(admin_client, url), "action": "password", "temporary_password": temporary}
    )
    assert person(app, "ed@example.org").must_change_password
    assert ("password.reset", "ed@example.org") in actions(app)
    ed = app.test_client()
    assert sign_in(ed, "ed@example.org", PASSWORD).status_code == 400  # the old one no longer works
    sign_in(ed, "ed@example.org", temporary)
    response = ed.get("/admin/prompts")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/account"
    assert "Choose your own password" in ed.get("/admin/account").get_data(as_text=True)
    ed.post(
        "/admin/account",
        data={"csrf_token": token(ed, "/admin/account"), "current_password": temporary, "new_password": NEW},
    )
    assert not person(app, "ed@example.org").must_change_password
    assert ed.get("/admin/prompts").status_code == 200


def test_an_admin_changes_a_role_and_the_person_s_sessions_end(app, admin_client, make_staff):
    make_staff("cw@example.org", "caseworker")
    cw = app.test_client()
    sign_in(cw, "cw@example.org")
    url = f"/admin/accounts/{person(app, 'cw@example.org').id}"
    admin_client.post(url, data={"csrf_token": token(admin_client, url), "action": "role", "role": "editor"})
    assert person(app, "cw@example.org").role == "editor"
    assert ("account.role", "cw@example.org: caseworker to editor") in actions(app)
    assert cw.get("/admin/").status_code == 302


def test_an_admin_cannot_change_their_own_role_or_password_there(app, admin_client):
    me = person(app, "admin@example.org")
    url = f"/admin/accounts/{me.id}"
    admin_client.post(url, data={"csrf_token": token(admin_client, url), "action": "role", "role": "editor"})
    admin_client.post(
        url, data={"csrf_token": token(admin_client, url), "action": "password", "temporary_password": NEW}
    )
    after = person(app, "admin@example.org")
    assert after.role == "admin" and accounts.verify_password(after, PASSWORD)


def test_only_admins_change_roles(app, caseworker, make_staff):
    make_staff("ed@example.org", "editor")
    url = f"/admin/accounts/{person(app, 'ed@example.org').id}"
    response = caseworker.post(
        url, data={"csrf_token": token(caseworker, "/admin/"), "action": "role", "role": "admin"}
    )
    assert response.status_code == 403 and person(app, "ed@example.org").role == "editor"


def test_staff_passwd_and_role_on_the_server(app, runner, app_config, make_staff):
    make_staff("first@example.org", "editor")
    env = env_for(app_config)
    result = runner.invoke(
        main, ["staff", "passwd", "first@example.org", "--password-stdin"], input="password1234\n", env=env
    )
    assert result.exit_code == 1 and "too easy to guess" in result.output
    result = runner.invoke(
        main, ["staff", "passwd", "First@example.org", "--password-stdin"], input=NEW + "\n", env=env
    )
    assert result.exit_code == 0, result.output
    assert accounts.verify_password(person(app, "first@example.org"), NEW)
    result = runner.invoke(main, ["staff", "role", "first@example.org", "admin"], env=env)
    assert result.exit_code == 0 and "first@example.org is now admin (was editor)" in result.output
    assert person(app, "first@example.org").role == "admin"
    result = runner.invoke(main, ["staff", "role", "nobody@example.org", "admin"], env=env)
    assert result.exit_code == 1 and "there is no account for nobody@example.org" in result.output
    assert [a for a, _ in actions(app)][-2:] == ["password.reset", "account.role"]
