"""The instance folder and the settings every `ivr` command shares.

One small module that `ivr/cli.py` and the command groups of `ivr/audio`, `ivr/callbacks`
and `ivr/admin` all import, so none of them imports another's command module.
"""

from __future__ import annotations

import secrets
from pathlib import Path


def instance_folder() -> Path:
    """The folder Flask uses as the app's instance path: secrets, the SQLite file, audio."""
    return Path(__file__).resolve().parent.parent / "instance"


def settings() -> dict:
    """The same settings `ivr serve` uses (environment, then the embedded defaults)."""
    from . import default_config

    return default_config(str(instance_folder()))


def local_token(instance: Path) -> str:
    """A token for trying the line on this machine, kept in the instance folder."""
    path = instance / "local-auth-token"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    path.write_text(token + "\n")
    path.chmod(0o600)
    return token
