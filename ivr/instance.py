"""The instance folder and the settings every `ivr` command shares.

One small module that `ivr/cli.py` and the command groups of `ivr/audio`, `ivr/callbacks`
and `ivr/staff` all import, so none of them imports another's command module.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def instance_folder() -> Path:
    """The folder Flask uses as the app's instance path: secrets, the SQLite file, audio."""
    return Path(__file__).resolve().parent.parent / "instance"


def settings() -> dict:
    """The same settings `ivr serve` uses (environment, then the embedded defaults)."""
    from . import default_config

    return default_config(str(instance_folder()))


def app_config():
    """Settings exactly as `create_app` reads them: environment and defaults, then the instance's config.py."""
    from flask import Config

    from . import default_config

    folder = instance_folder()
    config = Config(str(folder))
    config.update(default_config(str(folder)))
    config.from_pyfile("config.py", silent=True)
    return config


def migrate(url: str) -> None:
    """Bring the database schema up to date, or explain why it cannot be reached."""
    from sqlalchemy.exc import SQLAlchemyError

    from .db import upgrade
    from .errors import ConfigError

    try:
        upgrade(url)
    except SQLAlchemyError as exc:
        raise ConfigError(f"cannot migrate the database at IVR_DATABASE_URL: {exc.__class__.__name__}: {exc}") from exc


def open_database():
    """The configured database, its schema brought up to date first (a fresh install has none yet).

    For commands that work on the database alone (`ivr staff ...`): no auth token and no call
    tree needed, so they work on a fresh clone and beside a running `ivr serve --local`.
    """
    from .db import Database

    url = app_config()["IVR_DATABASE_URL"]
    migrate(url)
    return Database(url)


def command_name() -> str:
    """How the person at the terminal runs `ivr`: `.venv/bin/ivr` from a clone, `ivr` when it is on PATH."""
    import os
    import shutil
    import sys

    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) != "ivr" or not os.path.exists(program):
        return "ivr"
    if shutil.which("ivr") and os.path.samefile(shutil.which("ivr"), program):
        return "ivr"
    relative = os.path.relpath(program)
    return relative if not relative.startswith("..") else program


def local_token(instance: Path) -> str:
    """A token for trying the line on this machine, kept in the instance folder."""
    path = instance / "local-auth-token"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    write_private(path, token + "\n")
    return token


def write_private(path: Path, text: str) -> None:
    """Create `path` readable by its owner only from the first byte (not written, then chmod)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
