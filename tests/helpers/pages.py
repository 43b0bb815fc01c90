"""Fixtures for the staff pages of every capability: accounts, a signed-in test client, form tokens.
A test folder with staff pages imports them into its conftest.py."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from ivr.staff import accounts
from ivr.staff.accounts import add_staff

from . import staff as staff_helpers

PASSWORD = "correct horse battery staple"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client, path="/admin/login") -> str:
    """A CSRF token from a page of the staff area (as a browser would have it)."""
    response = client.get(path)
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def sign_in(client, email, password=PASSWORD):
    """Sign in as a person would: the password, then the two-step code when the account asks for one."""
    return staff_helpers.sign_in(client, email, password)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap argon2 parameters in tests (the real ones cost tens of milliseconds on purpose)."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def make_staff(app):
    """make_staff(email, role) adds an account with PASSWORD and two-step sign-in set up with
    the helpers' known secret (two_step=False: not set up, so its first sign-in sets it up)."""

    def make(email, role, two_step=True):
        with app.extensions["ivr.db"].session() as session:
            staff = add_staff(session, email, role, PASSWORD)
            if two_step:
                staff_helpers.enrol(session, staff)
        return email

    return make


@pytest.fixture
def editor(app, client, make_staff):
    """The test client, signed in as an editor."""
    sign_in(client, make_staff("editor@example.org", "editor"))
    return client


@pytest.fixture
def admin_client(app, client, make_staff):
    sign_in(client, make_staff("admin@example.org", "admin"))
    return client


@pytest.fixture
def caseworker(app, client, make_staff):
    sign_in(client, make_staff("caseworker@example.org", "caseworker"))
    return client
