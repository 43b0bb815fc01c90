"""The backup and restore in docs/deploying.md, tried: pg_dump -Fc, pg_restore into a new database, and the
line reads its callbacks and staff back with the same IVR_DATA_KEY."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest

from .conftest import _admin, ivr, pg_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.mark.debian("postgresql-client")
def test_a_nightly_dump_restores_into_a_working_line(pg_database, line_env, tmp_path, monkeypatch):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.fail("pg_dump and pg_restore (Debian's postgresql-client) are needed: the guide's backup uses them")
    host, port, name = pg_database
    env = {**line_env, "IVR_DATABASE_URL": pg_url(host, port, name), "IVR_SPEECH": "say"}
    assert ivr(env, "db", "upgrade").returncode == 0
    added = ivr(
        env,
        "staff",
        "add",
        "first@example.org",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from ivr.callbacks.cli import open_store  # the store the CLI uses

    store = open_store()
    safety = {"when": "any", "voicemail": "no", "identify": "no"}
    store.book("CA" + "7" * 32, "cy-GB", "+447911123456", safety, dt.datetime.now(dt.UTC))
    store.db.dispose()
    booked = ivr(env, "callbacks", "list", "--json", "--show-numbers", "--operator", "backup test")
    assert booked.returncode == 0, booked.stderr
    assert len(json.loads(booked.stdout)) == 1 and "+447911123456" in booked.stdout

    dump = tmp_path / "ivr.dump"
    subprocess.run(["pg_dump", "-h", host, "-p", str(port), "-U", "postgres", "-Fc", "-f", str(dump), name], check=True)
    restored = name + "_restored"
    _admin(f"CREATE DATABASE {restored}")
    try:
        subprocess.run(
            ["pg_restore", "-h", host, "-p", str(port), "-U", "postgres", "--no-owner", "-d", restored, str(dump)],
            check=True,
        )
        env_restored = {**env, "IVR_DATABASE_URL": pg_url(host, port, restored)}
        doctor = ivr(env_restored, "db", "upgrade")
        assert doctor.returncode == 0 and "up to date" in doctor.stdout
        # sealed numbers open again (full numbers only with --show-numbers, which is audited)
        listed = ivr(env_restored, "callbacks", "list", "--json", "--show-numbers", "--operator", "backup test")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout) == json.loads(booked.stdout)
        again = ivr(
            env_restored,
            "staff",
            "add",
            "first@example.org",
            "--role",
            "admin",
            "--password-stdin",
            stdin="a long enough password\n",
        )
        assert again.returncode == 1 and "already" in again.stderr  # the account came back
    finally:
        _admin(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
