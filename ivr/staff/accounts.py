"""Staff accounts: argon2 password hashes, the lock-out after repeated failures,
and adding accounts (used by `ivr staff add` and the accounts page)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from zxcvbn import zxcvbn

from .models import ROLES, LoginFailure, Staff, utcnow

# Five wrong passwords within fifteen minutes lock an account for the rest of the window.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
# Twenty failures from one address within the window hold that address back, whichever accounts it tries.
ADDRESS_FAILURES = 20
MIN_PASSWORD = 12
MAX_PASSWORD = 256
# zxcvbn's score: 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_STRENGTH = 3
SERVICE_WORDS = ("after", "trial", "support", "line", "victim", "witness", "helpline", "staff", "admin")

_hasher = PasswordHasher()
# Verified against when an email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """An account cannot be made as asked; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_password(password: str, email: str = "") -> None:
    """Refuse a password that is short, blank or easy to guess (zxcvbn: common passwords,
    names, keyboard runs, repeats, dates, and the person's own email); the message says why."""
    if not password.strip():
        raise AccountError("the password cannot be only spaces")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password must be at most {MAX_PASSWORD} characters long")
    email = email.strip().lower()
    words = [email, email.split("@")[0], *re.split(r"[^a-z0-9]+", email), *SERVICE_WORDS]
    words = [word for word in words if word]
    # zxcvbn's time grows with length; the first 100 characters decide whether it is guessable.
    verdict = zxcvbn(password[:100], user_inputs=words)
    if verdict["score"] < MIN_STRENGTH:
        warning = (verdict.get("feedback") or {}).get("warning") or "it is like passwords that are guessed first"
        raise AccountError(
            f"the password is too easy to guess ({warning.rstrip('.').lower()}); "
            "use a few unrelated words, or a password manager"
        )


def set_password(staff: Staff, password: str, must_change: bool = False) -> None:
    """A new password (already checked): every session of the account ends."""
    staff.password_hash = hash_password(password)
    staff.must_change_password = must_change
    staff.password_changed_at = utcnow()
    staff.session_version = (staff.session_version or 1) + 1


def verify_password(staff: Staff, password: str) -> bool:
    try:
        return _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_role(staff: Staff, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    staff.role = role
    staff.session_version = (staff.session_version or 1) + 1


# Characters that change the writing direction (Unicode's explicit embeddings, overrides, isolates and marks):
# "moc.elpmaxe@" can be made to read as an address it is not.
DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Scripts a name is normally written in together (Japanese mixes Han, Hiragana and Katakana).
TOGETHER = ({"CJK", "HIRAGANA", "KATAKANA"},)


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name ("LATIN", "CYRILLIC", "CJK"...); None for anything else."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def check_email(email: str) -> None:
    """Refuse an address with a control, direction or invisible character, or a part (before the @, and
    each label of the domain) whose letters come from more than one script; the message says why."""
    for char in email:
        category = unicodedata.category(char)
        code = f"U+{ord(char):04X}"
        if char in DIRECTION_CONTROLS:
            raise AccountError(f"the email address has a character that changes the writing direction ({code})")
        if category == "Cc":
            raise AccountError(f"the email address has a control character ({code})")
        if category in ("Cf", "Co", "Cn", "Cs"):
            raise AccountError(f"the email address has an invisible character ({code})")
    for part in re.split(r"[@.]", email):
        scripts = {s for s in map(_script, part) if s}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in TOGETHER):
            names = ", ".join(sorted(s.title() for s in scripts))
            raise AccountError(f"the email address has letters of more than one script ({names})")


def add_staff(session, email: str, role: str, password: str, temporary: bool = False) -> Staff:
    """Create an account; raises AccountError for a bad role, email, password or a duplicate.

    `temporary`: the password was chosen by someone else (an admin): the person must change it first.
    """
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an email address")
    check_email(email)
    check_new_password(password, email)
    if session.scalar(select(Staff).where(Staff.email == email)) is not None:
        raise AccountError(f"there is already an account for {email}")
    staff = Staff(
        email=email, role=role, password_hash=hash_password(password), active=True, must_change_password=temporary
    )
    session.add(staff)
    session.flush()
    return staff


def exists(session, email: str) -> bool:
    """Whether `email` is an account's address."""
    email = normalise_email(email)
    return len(email) <= 254 and session.scalar(select(Staff.id).where(Staff.email == email)) is not None


def who_can(session, ability: str) -> list[str]:
    """The emails of the active accounts allowed `ability` (queue, prompts, ...), in order."""
    people = session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.email))
    return [person.email for person in people if person.can(ability)]


def recent_failures(session, email: str, now: dt.datetime | None = None) -> int:
    since = (now or utcnow()) - LOCKOUT_WINDOW
    return session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email, LoginFailure.at >= since)
    )


def is_locked(session, email: str, now: dt.datetime | None = None) -> bool:
    email = normalise_email(email)
    return bool(email) and recent_failures(session, email, now) >= LOCKOUT_FAILURES


def address_key(address: str | None, secret: str | bytes = b"") -> str | None:
    """A keyed digest of a client address: throttled without keeping staff addresses in clear."""
    if not address:
        return None
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key or b"ivr", address.encode(), hashlib.sha256).hexdigest()[:64]


def record_failure(session, email: str, address: str | None = None, typed: str | None = None) -> LoginFailure:
    """A failed try; `email` only when it is an account's address (typed mistakes are not kept: `typed`,
    a keyed digest of one, counts them)."""
    row = LoginFailure(email=normalise_email(email)[:254], address=address, typed=typed)
    session.add(row)
    session.flush()
    return row


def typed_failures(session, typed: str | None) -> int:
    """Recent failures for a typed address that is no account's (by its keyed digest)."""
    if not typed:
        return 0
    since = utcnow() - LOCKOUT_WINDOW
    return session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.typed == typed, LoginFailure.at >= since)
    )


def lock_message() -> str:
    """What a locked account is told, and an unknown address after as many tries (they must read the same)."""
    minutes = int(LOCKOUT_WINDOW.total_seconds() // 60)
    return f"This account is locked after {LOCKOUT_FAILURES} wrong passwords. Try again in {minutes} minutes, or ask an admin"


def purge_failures(session, now: dt.datetime | None = None) -> int:
    """Failures older than the lock-out window count for nothing: remove them."""
    cutoff = (now or utcnow()) - LOCKOUT_WINDOW
    return session.execute(delete(LoginFailure).where(LoginFailure.at < cutoff)).rowcount or 0


def clear_failures(session, email: str) -> None:
    """After a whole sign-in (password and, where asked, the code), or an admin's unlock."""
    email = normalise_email(email)
    if email:
        session.execute(delete(LoginFailure).where(LoginFailure.email == email))


def authenticate(
    session, email: str, password: str, address: str | None = None, secret: str | bytes = b""
) -> tuple[Staff | None, str]:
    """(staff, "") on success; (None, reason): "locked", "throttled", "wrong", "unknown" (no such account) or
    "unknown-locked" (no such account, tried as often as locks one: answered as "locked" is).

    The try is recorded as a failure and committed BEFORE the slow hash, then counted: of
    any number of tries at once, only those within the limit are checked at all (the rest
    see the others' rows and stop), and a try that succeeds takes its row back. Tries for an
    address that is no account's are counted the same way (by a keyed digest of it, under
    `secret`), so a locked account cannot be told from an address that has none.
    """
    email = normalise_email(email)
    staff = None
    if len(email) <= 254:
        staff = session.scalar(select(Staff).where(Staff.email == email))
    account_email = staff.email if staff is not None else ""
    typed = None if staff is not None else address_key(email or "-", secret)
    purge_failures(session)
    attempt = record_failure(session, account_email, address, typed)
    session.commit()
    over_address = address_throttled(session, address)
    if staff is not None and recent_failures(session, account_email) > LOCKOUT_FAILURES:
        session.delete(attempt)  # a try while locked does not lengthen the lock
        return None, "locked"
    if staff is None and typed_failures(session, typed) > LOCKOUT_FAILURES:
        session.delete(attempt)
        return None, "unknown-locked"
    if over_address:
        session.delete(attempt)
        return None, "throttled"
    try:
        _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, password)
        ok = staff is not None and staff.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        if staff is None:
            return None, "unknown-locked" if typed_failures(session, typed) >= LOCKOUT_FAILURES else "unknown"
        return None, "locked" if is_locked(session, account_email) else "wrong"
    session.delete(attempt)
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    return staff, ""


def address_throttled(session, address: str | None) -> bool:
    """Counting this try's own row: more than the address may make in the window."""
    if not address:
        return False
    since = utcnow() - LOCKOUT_WINDOW
    count = session.scalar(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.address == address, LoginFailure.at >= since)
    )
    return count > ADDRESS_FAILURES
