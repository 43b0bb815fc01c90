"""Staff accounts: argon2 password hashes, the lock-out after repeated failures,
and adding accounts (used by `ivr staff add` and the accounts page)."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from .models import ROLES, LoginFailure, Staff, utcnow

# Five wrong passwords within fifteen minutes lock an account for the rest of the window.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD = 12

_hasher = PasswordHasher()
# Verified against when an email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """An account cannot be made as asked; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")


def add_staff(session, email: str, role: str, password: str) -> Staff:
    """Create an account; raises AccountError for a bad role, email, password or a duplicate."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an email address")
    check_new_password(password)
    if session.scalar(select(Staff).where(Staff.email == email)) is not None:
        raise AccountError(f"there is already an account for {email}")
    staff = Staff(email=email, role=role, password_hash=hash_password(password), active=True)
    session.add(staff)
    session.flush()
    return staff


def recent_failures(session, email: str, now: dt.datetime | None = None) -> int:
    since = (now or utcnow()) - LOCKOUT_WINDOW
    return session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email, LoginFailure.at >= since)
    )


def is_locked(session, email: str, now: dt.datetime | None = None) -> bool:
    return recent_failures(session, normalise_email(email), now) >= LOCKOUT_FAILURES


def authenticate(session, email: str, password: str) -> tuple[Staff | None, str]:
    """(staff, "") on success; (None, reason) where reason is "locked" or "wrong"."""
    email = normalise_email(email)
    if is_locked(session, email):
        return None, "locked"
    staff = session.scalar(select(Staff).where(Staff.email == email, Staff.active.is_(True)))
    try:
        _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, password)
        ok = staff is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        session.add(LoginFailure(email=email))
        session.flush()
        return None, "locked" if is_locked(session, email) else "wrong"
    session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    return staff, ""
