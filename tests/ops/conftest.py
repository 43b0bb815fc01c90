"""Fixtures for operational tests: a fresh PostgreSQL database per test, keys, staff."""

from __future__ import annotations

import secrets
import subprocess
import sys

import psycopg
import pytest
from cryptography.fernet import Fernet

from .servers import ROOT

SERVER = "postgresql://postgres@127.0.0.1:5432/test"
TOKEN = "ops-test-token"
PUBLIC_URL = "https://line.example.org"


def _admin(sql: str) -> None:
    with psycopg.connect(SERVER, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


@pytest.fixture
def pg_database():
    """A new, empty database on the machine's PostgreSQL, dropped afterwards: (host, port, name)."""
    name = "ivr_ops_" + secrets.token_hex(4)
    try:
        _admin(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is needed for this test: {exc}")
    yield ("127.0.0.1", 5432, name)
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def pg_url(host: str, port: int, name: str) -> str:
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"


@pytest.fixture
def line_env():
    """What every instance of one deployment shares."""
    return {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_DATA_KEY": Fernet.generate_key().decode(),
        "IVR_SECRET_KEY": secrets.token_hex(16),
    }


def ivr(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run an `ivr` command as an operator would, with the deployment's environment."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "ivr", *args],
        input=stdin,
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
