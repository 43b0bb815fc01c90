"""Files that hold secrets or personal data are the owner's alone from the moment they exist,
and a public server without IVR_DATA_KEY does not quietly use a key left by `ivr serve --local`."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from cryptography.fernet import Fernet

from ivr.callbacks.crypto import LOCAL_KEY_FILE, data_key, local_data_key
from ivr.db import make_engine
from ivr.instance import local_token


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The usual umask (022), which made these files 0644 before."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_sqlite_database_is_0600(tmp_path, open_umask):
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'ivr.sqlite3'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert mode(tmp_path / "new" / "ivr.sqlite3") == 0o600


def test_the_local_data_key_and_token_are_0600(tmp_path, open_umask):
    local_data_key(tmp_path)
    local_token(tmp_path)
    assert mode(tmp_path / LOCAL_KEY_FILE) == 0o600
    assert mode(tmp_path / "local-auth-token") == 0o600


def test_the_instance_secret_key_is_0600(tmp_path, open_umask):
    from ivr import _instance_secret

    _instance_secret(str(tmp_path / "instance"))
    assert mode(tmp_path / "instance" / "secret-key") == 0o600


def test_a_public_server_without_ivr_data_key_ignores_a_local_key_file(tmp_path, caplog):
    local_data_key(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert data_key(None, tmp_path, "https://line.example.org") is None
    assert "is not used" in caplog.text and LOCAL_KEY_FILE in caplog.text


def test_trying_the_line_locally_still_uses_the_local_key(tmp_path):
    key = local_data_key(tmp_path)
    found = data_key(None, tmp_path, "http://127.0.0.1:8000")
    assert found is not None and found.open(found.seal("x")) == "x"
    assert data_key(Fernet.generate_key().decode(), tmp_path, "https://line.example.org") is not None
    assert key
