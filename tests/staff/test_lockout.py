"""Lock-out under load: a try is recorded before the slow hash, so parallel wrong passwords
check at most five; the per-address throttle; an admin's unlock; what is (not) stored."""

from __future__ import annotations

import datetime as dt
import threading

from argon2 import PasswordHasher
from sqlalchemy import select

from ivr.audit import AuditEvent
from ivr.staff import accounts
from ivr.staff.models import LoginFailure, Staff

from ..helpers.pages import PASSWORD, sign_in, token


class CountingHasher(PasswordHasher):
    """The cheap test hasher, slowed down and counting every check."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        with self._lock:
            self.checked += 1
        threading.Event().wait(0.2)  # the real hash's cost, so the tries overlap
        return super().verify(hash, password)


def failures(app):
    with app.extensions["ivr.db"].session() as session:
        return list(session.scalars(select(LoginFailure)))


def test_forty_parallel_wrong_passwords_check_at_most_five(app, make_staff, monkeypatch):
    make_staff("ed@example.org", "editor")
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "_hasher", hasher)
    database = app.extensions["ivr.db"]
    reasons, start = [], threading.Barrier(40)

    def attempt(n):
        start.wait()
        with database.session() as session:
            reasons.append(accounts.authenticate(session, "ed@example.org", f"wrong password {n}")[1])

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(reasons) == 40
    assert hasher.checked <= accounts.LOCKOUT_FAILURES
    assert reasons.count("locked") >= 40 - accounts.LOCKOUT_FAILURES
    with database.session() as session:
        assert accounts.is_locked(session, "ed@example.org")
        # The locked tries did not lengthen the lock: only the checked ones are kept.
        assert len(session.scalars(select(LoginFailure)).all()) == accounts.LOCKOUT_FAILURES


def test_a_typed_email_that_is_no_account_is_never_stored(app, client, make_staff):
    response = sign_in(client, "Someone.Private@Example.org", "whatever they typed")
    assert response.status_code == 400
    assert [row.email for row in failures(app)] == [""]
    with app.extensions["ivr.db"].session() as session:
        details = [e.detail for e in session.scalars(select(AuditEvent))]
    assert details == ["an unknown email: unknown"]


def test_an_email_over_254_characters_is_refused_calmly(app, client):
    response = sign_in(client, "a" * 5000 + "@example.org", "whatever they typed")
    assert response.status_code == 400
    assert "The email address or password is not right" in response.get_data(as_text=True)
    assert all(len(row.email) <= 254 for row in failures(app))


def test_failures_older_than_the_window_are_purged(app, client, make_staff):
    make_staff("ed@example.org", "editor")
    old = dt.datetime.now(dt.UTC) - accounts.LOCKOUT_WINDOW - dt.timedelta(minutes=1)
    with app.extensions["ivr.db"].session() as session:
        for _ in range(30):
            session.add(LoginFailure(email="ed@example.org", at=old))
    sign_in(client, "ed@example.org", "wrong password!")
    rows = failures(app)
    assert len(rows) == 1 and rows[0].at.replace(tzinfo=dt.UTC) > old


def test_one_address_is_throttled_across_accounts(app, client, make_staff, monkeypatch):
    make_staff("ed@example.org", "editor")
    monkeypatch.setattr(accounts, "ADDRESS_FAILURES", 6)
    for n in range(6):
        assert sign_in(client, f"guess{n}@example.org", "wrong password!").status_code == 400
    response = sign_in(client, "ed@example.org", PASSWORD)
    assert response.status_code == 400 and "too many wrong passwords from your network" in response.get_data(
        as_text=True
    )
    # Another address (behind the local proxy) is not held back.
    other = app.test_client()
    other.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    assert sign_in(other, "ed@example.org", PASSWORD).status_code == 302


def test_a_far_client_cannot_pick_its_address_with_a_header(app, make_staff, monkeypatch):
    monkeypatch.setattr(accounts, "ADDRESS_FAILURES", 3)
    far = app.test_client()
    far.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for n in range(4):
        far.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n}"
        sign_in(far, f"guess{n}@example.org", "wrong password!")
    with app.extensions["ivr.db"].session() as session:
        addresses = {row.address for row in session.scalars(select(LoginFailure))}
    assert len(addresses) == 1 and "198.51.100.7" not in addresses  # one address, kept as a digest


def test_an_admin_unlocks_an_account(app, admin_client, make_staff):
    make_staff("ed@example.org", "editor")
    ed = app.test_client()
    for _ in range(accounts.LOCKOUT_FAILURES):
        sign_in(ed, "ed@example.org", "wrong password!")
    assert "locked" in sign_in(ed, "ed@example.org", PASSWORD).get_data(as_text=True)
    with app.extensions["ivr.db"].session() as session:
        staff_id = session.scalar(select(Staff.id).where(Staff.email == "ed@example.org"))
    url = f"/admin/accounts/{staff_id}"
    assert "This account is locked" in admin_client.get(url).get_data(as_text=True)
    admin_client.post(url, data={"csrf_token": token(admin_client, url), "action": "unlock"})
    assert sign_in(ed, "ed@example.org", PASSWORD).status_code == 302
    with app.extensions["ivr.db"].session() as session:
        assert ("account.unlock", "ed@example.org") in [
            (e.action, e.detail) for e in session.scalars(select(AuditEvent))
        ]
