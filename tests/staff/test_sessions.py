"""Sessions end when they should: sign-out, switch-off, a two-step reset, the 12-hour limit;
and two-step sign-in (the code, its set-up, recovery codes, an admin's reset)."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.staff import accounts, twostep
from ivr.staff.models import RecoveryCode, Staff

from ..helpers import staff as staff_helpers
from ..helpers.pages import PASSWORD, sign_in, token


def actions(app):
    with app.extensions["ivr.db"].session() as session:
        return [(e.action, e.detail) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def staff_row(app, email):
    with app.extensions["ivr.db"].session() as session:
        return session.scalar(select(Staff).where(Staff.email == email))


def password_only(client, email, password=PASSWORD):
    return client.post("/admin/login", data={"email": email, "password": password, "csrf_token": token(client)})


def test_an_old_session_cookie_does_not_open_the_queue_after_sign_out(app, caseworker):
    assert caseworker.get("/admin/queue").status_code == 200
    name = app.config["SESSION_COOKIE_NAME"]  # "__Host-session" over https (issue 22 item 11)
    kept = caseworker.get_cookie(name).value
    caseworker.post("/admin/logout", data={"csrf_token": token(caseworker, "/admin/")})
    caseworker.set_cookie(name, kept, domain="localhost", secure=True)  # the stolen or kept cookie
    response = caseworker.get("/admin/queue")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def test_signing_out_ends_the_account_s_sessions_everywhere(app, make_staff):
    make_staff("cw@example.org", "caseworker")
    desk, phone = app.test_client(), app.test_client()
    sign_in(desk, "cw@example.org")
    sign_in(phone, "cw@example.org")
    assert phone.get("/admin/queue").status_code == 200
    desk.post("/admin/logout", data={"csrf_token": token(desk, "/admin/")})
    assert phone.get("/admin/queue").status_code == 302


def test_switched_off_and_on_again_the_old_sessions_stay_ended(app, admin_client, make_staff):
    make_staff("cw@example.org", "caseworker")
    other = app.test_client()
    sign_in(other, "cw@example.org")
    person = staff_row(app, "cw@example.org")
    for value in ("0", "1"):
        admin_client.post(
            f"/admin/accounts/{person.id}/active",
            data={"active": value, "csrf_token": token(admin_client, "/admin/accounts")},
        )
    assert staff_row(app, "cw@example.org").active
    assert other.get("/admin/queue").status_code == 302


def test_a_busy_session_ends_twelve_hours_after_sign_in(app, caseworker):
    with caseworker.session_transaction() as session:
        session["signed_in_at"] -= 12 * 3600 + 1
        session["seen"] = time.time()  # used a moment ago: only the absolute limit applies
    response = caseworker.get("/admin/queue")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/login"
    page = caseworker.get("/admin/login").get_data(as_text=True)
    assert "signed in for 12 hours" in page
    assert caseworker.get("/admin/queue").status_code == 302


def test_eleven_hours_in_the_session_still_works(app, caseworker):
    with caseworker.session_transaction() as session:
        session["signed_in_at"] -= 11 * 3600
    assert caseworker.get("/admin/queue").status_code == 200


def test_the_password_alone_does_not_sign_in_a_caseworker(app, client, make_staff):
    make_staff("cw@example.org", "caseworker")
    response = password_only(client, "cw@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/login/code"
    assert client.get("/admin/queue").status_code == 302
    page = client.get("/admin/login/code").get_data(as_text=True)
    assert '<label class="govuk-label" for="code">Code</label>' in page
    assert [a for a, _ in actions(app)] == []  # signed in only after the code


def test_a_wrong_code_is_refused_and_a_right_one_signs_in_once(app, client, make_staff):
    make_staff("cw@example.org", "caseworker")
    password_only(client, "cw@example.org")
    now = int(time.time() // 30)
    wrong = next(
        c
        for c in ("123456", "654321")
        if c not in {staff_helpers.code_at(staff_helpers.SECRET, now + d) for d in (-1, 0, 1)}
    )
    response = client.post("/admin/login/code", data={"code": wrong, "csrf_token": token(client, "/admin/login/code")})
    assert response.status_code == 400 and "The code is not right" in response.get_data(as_text=True)
    code = staff_helpers.code_at(staff_helpers.SECRET, now)
    response = client.post("/admin/login/code", data={"code": code, "csrf_token": token(client, "/admin/login/code")})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/queue").status_code == 200
    # The same code again (seen over a shoulder) is refused.
    again = app.test_client()
    password_only(again, "cw@example.org")
    response = again.post("/admin/login/code", data={"code": code, "csrf_token": token(again, "/admin/login/code")})
    assert response.status_code == 400
    assert [a for a, _ in actions(app) if a.startswith("login")] == ["login.failed", "login", "login.failed"]


def test_five_wrong_codes_lock_the_account(app, client, make_staff):
    make_staff("cw@example.org", "caseworker")
    password_only(client, "cw@example.org")
    for _ in range(accounts.LOCKOUT_FAILURES):
        client.post("/admin/login/code", data={"code": "000000x", "csrf_token": token(client, "/admin/login/code")})
    code = staff_helpers.code_for(app, "cw@example.org")
    response = client.post("/admin/login/code", data={"code": code, "csrf_token": token(client, "/admin/login/code")})
    assert response.status_code == 400 and "locked" in response.get_data(as_text=True)
    # The right password again does not start the count afresh.
    password_only(client, "cw@example.org")
    response = client.post("/admin/login/code", data={"code": code, "csrf_token": token(client, "/admin/login/code")})
    assert response.status_code == 400 and "locked" in response.get_data(as_text=True)


def test_the_code_page_waits_ten_minutes_after_the_password(app, client, make_staff):
    make_staff("cw@example.org", "caseworker")
    password_only(client, "cw@example.org")
    with client.session_transaction() as session:
        session["pending"] = {**session["pending"], "at": time.time() - 601}
    response = client.get("/admin/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/login"
    assert client.get("/admin/login/setup").status_code == 302


def test_the_code_page_is_not_reached_without_the_password(client):
    assert client.get("/admin/login/code").headers["Location"] == "/admin/login"


def test_first_sign_in_sets_up_two_step_with_a_qr_and_the_secret_as_text(app, client, make_staff):
    make_staff("new@example.org", "admin", two_step=False)
    response = password_only(client, "new@example.org")
    assert response.headers["Location"] == "/admin/login/setup"
    page = client.get("/admin/login/setup").get_data(as_text=True)
    assert "<svg" in page and "<img" not in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0]
    secret = staff_helpers.secret_shown(page)
    assert staff_row(app, "new@example.org").totp_secret == secret and len(secret) == 32
    assert staff_row(app, "new@example.org").totp_confirmed_at is None
    # The page asks again with the same secret until it is confirmed.
    assert staff_helpers.secret_shown(client.get("/admin/login/setup").get_data(as_text=True)) == secret
    code = pyotp.TOTP(secret).now()
    response = client.post("/admin/login/setup", data={"code": code, "csrf_token": token(client, "/admin/login/setup")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "keep your recovery codes" in page
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code></li>", page)
    assert len(set(codes)) == twostep.RECOVERY_CODES == 10
    assert client.get("/admin/accounts").status_code == 200  # signed in
    with app.extensions["ivr.db"].session() as session:
        stored = list(session.scalars(select(RecoveryCode)))
    assert len(stored) == 10 and not {r.digest for r in stored} & {c.replace("-", "") for c in codes}
    assert ("two-step.setup", "") in actions(app)
    # A recovery code signs in once, in place of the app's code.
    for expected in (302, 400):
        other = app.test_client()
        password_only(other, "new@example.org")
        response = other.post(
            "/admin/login/code", data={"code": codes[0].upper(), "csrf_token": token(other, "/admin/login/code")}
        )
        assert response.status_code == expected
    assert ("two-step.recovery-code", "9 left") in actions(app)


def test_an_admin_resets_someone_s_two_step_and_it_is_audited(app, admin_client, make_staff):
    make_staff("cw@example.org", "caseworker")
    other = app.test_client()
    sign_in(other, "cw@example.org")
    person = staff_row(app, "cw@example.org")
    page = admin_client.get("/admin/accounts").get_data(as_text=True)
    assert 'Reset two-step<span class="govuk-visually-hidden"> for cw@example.org' in page
    response = admin_client.post(
        f"/admin/accounts/{person.id}/two-step", data={"csrf_token": token(admin_client, "/admin/accounts")}
    )
    assert response.status_code == 302
    assert staff_row(app, "cw@example.org").totp_secret is None
    assert ("two-step.reset", "cw@example.org") in actions(app)
    assert other.get("/admin/queue").status_code == 302  # their sessions ended
    assert password_only(app.test_client(), "cw@example.org").headers["Location"] == "/admin/login/setup"


def test_an_admin_cannot_reset_their_own_two_step(app, admin_client):
    me = staff_row(app, "admin@example.org")
    admin_client.post(f"/admin/accounts/{me.id}/two-step", data={"csrf_token": token(admin_client, "/admin/accounts")})
    assert staff_row(app, "admin@example.org").totp_secret == staff_helpers.SECRET


def test_only_admins_reset_two_step(app, caseworker, make_staff):
    make_staff("other@example.org", "caseworker")
    person = staff_row(app, "other@example.org")
    response = caseworker.post(
        f"/admin/accounts/{person.id}/two-step", data={"csrf_token": token(caseworker, "/admin/queue")}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("setting", "asked"), [(False, False), (True, True)])
def test_two_step_for_editors_is_a_setting(app, client, make_staff, setting, asked):
    app.config["IVR_STAFF_TWO_STEP_EDITORS"] = setting
    make_staff("ed@example.org", "editor")
    response = password_only(client, "ed@example.org")
    assert (response.headers["Location"] == "/admin/login/code") is asked
