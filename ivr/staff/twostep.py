"""Two-step sign-in: a time-based code (TOTP, RFC 6238, with pyotp) after the password,
set up from a QR code drawn here as inline SVG (segno; no CDN, no image request), with the
secret also shown as text; ten one-use recovery codes kept as salted hashes.

Required for admins, caseworkers and managers, and for editors unless IVR_STAFF_TWO_STEP_EDITORS
is 0 (or off, false, no). A code is accepted once: the step it belongs to is remembered, so a code seen over
someone's shoulder cannot be used again. "Once" holds under concurrency: the step is taken, and a
recovery code spent, by one conditional UPDATE each, which only one of any number of requests
sending the same code at the same instant can make (the database serialises the row).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, or_, select, update

from .models import RecoveryCode, Staff, utcnow

REQUIRED_ROLES = ("admin", "caseworker", "manager")
RECOVERY_CODES = 10
ISSUER = "After-trial support line"
# A code from the step before or after the server's clock is accepted (phones drift).
DRIFT_STEPS = 1


def required(staff: Staff, config) -> bool:
    """Whether this person must use two-step sign-in."""
    if staff.role in REQUIRED_ROLES:
        return True
    return bool(config.get("IVR_STAFF_TWO_STEP_EDITORS"))


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits


def secret_for_people(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The set-up QR code as inline SVG markup (safe to mark safe: segno writes it from the URI)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, svgclass="staff-qr", lineclass=None, dark="#0b0c0c", light="#ffffff", omitsize=False
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="Picture to scan with an authenticator app (a QR)" ', 1)


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def check_code(session, staff: Staff, code: str, now: float | None = None) -> bool:
    """True, and the step taken, when `code` is a current code whose step no request has taken yet."""
    code = _digits(code)
    if not staff.totp_secret or not re.fullmatch(r"\d{6}", code):
        return False
    totp = pyotp.TOTP(staff.totp_secret)
    now = time.time() if now is None else now
    step_now = int(now // totp.interval)
    for step in range(step_now - DRIFT_STEPS, step_now + DRIFT_STEPS + 1):
        if staff.totp_last_step is not None and step <= staff.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return take_step(session, staff, step)
    return False


def take_step(session, staff: Staff, step: int) -> bool:
    """Record `step` as used, unless it (or a later one) already is: True for the one request that did."""
    taken = session.execute(
        update(Staff)
        .where(Staff.id == staff.id, or_(Staff.totp_last_step.is_(None), Staff.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    staff.totp_last_step = step  # the row says so already; keep the loaded account in step
    return True


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + code.encode()).hexdigest()


def _normal_recovery(code: str) -> str:
    return re.sub(r"[^a-z2-7]", "", (code or "").lower())


def make_recovery_codes(session, staff: Staff) -> list[str]:
    """Ten new one-use codes (80 random bits each), replacing any earlier ones; shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
        salt = secrets.token_hex(16)
        session.add(RecoveryCode(staff_id=staff.id, salt=salt, digest=_digest(salt, raw)))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    session.flush()
    return codes


def use_recovery_code(session, staff: Staff, code: str) -> bool:
    """True, and the code spent, when `code` is one of the account's unused recovery codes
    (and no other request spent it first)."""
    raw = _normal_recovery(code)
    if len(raw) != 16:
        return False
    rows = session.execute(
        select(RecoveryCode.id, RecoveryCode.salt, RecoveryCode.digest).where(
            RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    for row_id, salt, digest in rows:
        if hmac.compare_digest(digest, _digest(salt, raw)):
            spent = session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            return spent.rowcount == 1
    return False


def recovery_codes_left(session, staff: Staff) -> int:
    rows = session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None))
    )
    return len(list(rows))


def reset(session, staff: Staff) -> None:
    """Forget the set-up and recovery codes: the person sets it up again at their next sign-in."""
    staff.totp_secret = None
    staff.totp_confirmed_at = None
    staff.totp_last_step = None
    staff.session_version = (staff.session_version or 1) + 1
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
