"""Two-step codes under concurrency (issue 22 item 2): one code, or one recovery code, sent by
several pending sign-ins at the same instant signs in once; wrong codes sent at once from one
pending sign-in are counted before they are checked, so at most five are checked. On SQLite and
PostgreSQL."""

from __future__ import annotations

import hmac
import threading
import time

import pyotp
import pytest
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.staff import accounts, twostep
from ivr.staff.models import Staff
from tests.callbacks.conftest import BOTH, fresh_database

from ..helpers import staff as staff_helpers
from ..helpers.pages import PASSWORD, token

EMAIL = "admin@example.org"


@pytest.fixture(params=BOTH)
def app_config(request, app_config, tmp_path):
    url, drop = fresh_database(request.param, tmp_path)
    app_config["IVR_DATABASE_URL"] = url
    yield app_config
    drop()


class SlowHmac:
    """twostep's hmac, slowed: every request has read the account before any one of them writes."""

    @staticmethod
    def compare_digest(a, b):
        time.sleep(0.3)
        return hmac.compare_digest(a, b)


def pending_clients(app, count: int):
    """`count` test clients, each past the password step and on the code page."""
    clients = []
    for _ in range(count):
        client = app.test_client()
        response = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token(client)})
        assert response.headers["Location"].endswith("/admin/login/code")
        clients.append(client)
    return clients


def at_once(clients, code: str) -> list[str]:
    """Every client posts `code` to the code page at the same instant; where each was sent next
    ("/admin/" signed in; "/admin/login" the pending sign-in is over; "" the code page again, 400)."""
    forms = [{"code": code, "csrf_token": token(c, "/admin/login/code")} for c in clients]
    start, statuses = threading.Barrier(len(clients)), []

    def send(client, form):
        start.wait()
        response = client.post("/admin/login/code", data=form)
        statuses.append(
            response.headers.get("Location", "") if response.status_code == 302 else str(response.status_code)
        )

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(statuses) == len(clients)
    return statuses


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_one_code_sent_by_four_pending_sign_ins_at_once_signs_in_once(app, make_staff, monkeypatch):
    make_staff(EMAIL, "admin")
    clients = pending_clients(app, 4)
    monkeypatch.setattr(twostep, "hmac", SlowHmac)
    statuses = at_once(clients, staff_helpers.code_for(app, EMAIL))
    assert statuses.count("/admin/") == 1 and set(statuses) <= {"/admin/", "/admin/login", "400"}, statuses
    assert [signed_in(c) for c in clients].count(True) == 1


def test_one_recovery_code_sent_by_four_pending_sign_ins_at_once_signs_in_once(app, make_staff, monkeypatch):
    make_staff(EMAIL, "admin")
    with app.extensions["ivr.db"].session() as session:
        staff = session.scalar(select(Staff).where(Staff.email == EMAIL))
        codes = twostep.make_recovery_codes(session, staff)
    clients = pending_clients(app, 4)
    monkeypatch.setattr(twostep, "hmac", SlowHmac)
    statuses = at_once(clients, codes[3])
    assert statuses.count("/admin/") == 1 and set(statuses) <= {"/admin/", "/admin/login", "400"}, statuses
    assert [signed_in(c) for c in clients].count(True) == 1
    with app.extensions["ivr.db"].session() as session:
        used = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "two-step.recovery-code")).all()
        assert used == [f"{twostep.RECOVERY_CODES - 1} left"]
        staff = session.scalar(select(Staff).where(Staff.email == EMAIL))
        assert twostep.recovery_codes_left(session, staff) == twostep.RECOVERY_CODES - 1


def test_twenty_wrong_codes_at_once_from_one_pending_sign_in_check_at_most_five(app, make_staff, monkeypatch):
    make_staff(EMAIL, "admin")
    (first,) = pending_clients(app, 1)
    cookie = first.get_cookie(app.config["SESSION_COOKIE_NAME"])
    clients = [first]
    for _ in range(19):  # the same pending sign-in (its cookie), twenty requests
        other = app.test_client()
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        clients.append(other)
    totp = pyotp.TOTP(staff_helpers.SECRET)
    step = int(time.time() // 30)
    now = {totp.generate_otp(s) for s in range(step - 2, step + 3)}
    wrong = next(c for c in (f"{n:06d}" for n in range(1000)) if c not in now)
    checked, lock = [], threading.Lock()
    real = twostep.check_code

    def counting(*args, **kwargs):
        with lock:
            checked.append(1)
        time.sleep(0.1)
        return real(*args, **kwargs)

    monkeypatch.setattr(twostep, "check_code", counting)
    statuses = at_once(clients, wrong)
    assert statuses == ["400"] * 20
    assert len(checked) <= accounts.LOCKOUT_FAILURES
    with app.extensions["ivr.db"].session() as session:
        # Only the checked tries are kept (a refused one does not lengthen the lock), as with passwords.
        assert accounts.recent_failures(session, EMAIL) == len(checked)
