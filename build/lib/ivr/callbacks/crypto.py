"""Personal data at rest: sealed with Fernet (AES-128-CBC with HMAC-SHA256) under IVR_DATA_KEY.

IVR_DATA_KEY is one key, or several separated by commas to rotate: the first
seals, any of them opens. `ivr serve --local` makes a key for this machine in
the instance folder (local-data-key); without any key, nothing personal is
stored and callbacks cannot be booked.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ..errors import ConfigError

LOCAL_KEY_FILE = "local-data-key"
HOW_TO_SET = (
    "set IVR_DATA_KEY to a key made with "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
    "(keep it secret and backed up: without it stored numbers cannot be read), "
    "or run `ivr serve --local` to make one for this machine"
)


class DataKey:
    """Seals and opens personal data; made from the text of IVR_DATA_KEY."""

    def __init__(self, text: str):
        keys = [part.strip() for part in text.split(",") if part.strip()]
        # Digests use the sealing (first) key: rotating it starts the daily counts afresh.
        self._digest_key = hashlib.sha256(b"ivr caller digest\0" + (keys[0].encode() if keys else b"")).digest()
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"IVR_DATA_KEY is not a valid key (32 url-safe base64 bytes each); {HOW_TO_SET}") from exc

    def seal(self, value) -> bytes:
        """Any JSON-able value -> an opaque token."""
        return self._fernet.encrypt(json.dumps(value, separators=(",", ":")).encode())

    def digest(self, number: str) -> str:
        """A keyed, one-way digest of a phone number: counts bookings without keeping the number."""
        return hmac.new(self._digest_key, number.encode(), hashlib.sha256).hexdigest()

    def open(self, token: bytes):
        """A token -> the value; raises InvalidToken when no key opens it."""
        return json.loads(self._fernet.decrypt(bytes(token)))


def local_data_key(instance: Path) -> str:
    """The key for trying the line on this machine, made once in the instance folder."""
    path = Path(instance) / LOCAL_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def data_key(configured: str | None, instance: Path) -> DataKey | None:
    """The key from config (IVR_DATA_KEY), else the instance folder's local key, else None.

    An empty string configured means "no key", on purpose: the local key is not looked for.
    """
    if configured is None:
        path = Path(instance) / LOCAL_KEY_FILE
        configured = path.read_text().strip() if path.exists() else ""
    return DataKey(configured) if configured.strip() else None


__all__ = ["DataKey", "InvalidToken", "data_key", "local_data_key", "HOW_TO_SET"]
