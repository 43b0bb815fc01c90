"""Fixtures for the callback booking: a data key, and databases to store bookings in.

`database_url` is SQLite unless a test module asks for `databases` (SQLite and
PostgreSQL): each PostgreSQL test gets a database of its own, made fresh and
dropped after, so parallel runs never meet.
"""

from __future__ import annotations

import os
import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES_URL, Caller

from ..helpers.pages import PASSWORD, admin_client, caseworker, editor, make_staff, quick_hashes, sign_in, token  # noqa: F401

# A UK mobile number in a range phonenumbers accepts (the Ofcom drama range 07700 900 is not);
# it is never dialled: tests only store and read it.
MOBILE = "+447911123456"
BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def fresh_database(kind: str, tmp_path):
    """A URL to an empty database of `kind`, and a function that removes it."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'callbacks.sqlite3'}", lambda: None
    name = f"ivr_cb_{uuid.uuid4().hex[:16]}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        server.dispose()
        if os.environ.get("IVR_TEST_POSTGRES_URL") or os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {exc.__class__.__name__}")

    def drop():
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()

    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture
def database_url(tmp_path):
    url, drop = fresh_database("sqlite", tmp_path)
    yield url
    drop()


@pytest.fixture
def data_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def app_config(app_config, database_url, data_key):
    app_config.update(IVR_DATABASE_URL=database_url, IVR_DATA_KEY=data_key)
    return app_config


@pytest.fixture
def store(app):
    return app.extensions["ivr.callbacks"]


@pytest.fixture
def mobile_caller(client):
    """A caller whose own number can be called back."""
    return Caller(client, from_number=MOBILE)


@pytest.fixture
def withheld_caller(client):
    return Caller(client, from_number="anonymous", call_sid="CA" + "b" * 32)
