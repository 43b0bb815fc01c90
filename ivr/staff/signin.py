"""The steps after a right password: the two-step code (or its set-up at first sign-in),
then the session itself: a per-account session version checked on every request (sign-out,
switch-off, a password, role or two-step change end every older session) and an absolute
limit of 12 hours from sign-in however busy the session is.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import login_user
from markupsafe import Markup
from sqlalchemy import update

from .. import audit
from . import accounts, twostep
from .access import db
from .models import Staff, utcnow
from .shell import bp

# How long the code page waits after the password, and the set-up page after that.
PENDING_SECONDS = 10 * 60


def safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not urlsplit(target).netloc and "//" not in target:
        return target
    return url_for("staff.index")


def client_key() -> str | None:
    """A keyed digest of the client's address, for the per-address throttle.

    Behind proxies on this machine's loopback (deploy/nginx.conf), the address is taken from
    X-Forwarded-For, counting IVR_TRUSTED_PROXIES entries from its end: 1 (the default) is the
    entry nginx added; 2 with a load balancer in front of nginx (the one the load balancer
    added), and so on. Entries further left are whatever the client wrote, never trusted; with
    fewer entries than that, the leftmost is the address the first proxy saw. From anywhere but
    loopback, or with 0, the connection's own address (a client could write anything into the
    header if it were trusted from afar).
    """
    address = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    hops = current_app.config.get("IVR_TRUSTED_PROXIES", 1)
    if forwarded and hops and address in ("127.0.0.1", "::1"):
        entries = [entry.strip() for entry in forwarded.split(",")]
        address = entries[-min(hops, len(entries))]
    return accounts.address_key(address, current_app.secret_key or "")


def throttled_message() -> str:
    minutes = int(accounts.LOCKOUT_WINDOW.total_seconds() // 60)
    return f"There have been too many wrong passwords from your network. Try again in {minutes} minutes"


def end_sessions(db_session, staff: Staff | None) -> None:
    """Every session of this account ends at its next request."""
    if staff is not None:
        staff.session_version = (staff.session_version or 1) + 1


def password_accepted(staff: Staff, next_target: str | None):
    """After the right password: sign in, or ask for the code (or its set-up) first."""
    if not twostep.required(staff, current_app.config):
        return _finish(staff, next_target)
    session.clear()
    session["pending"] = {
        "id": staff.id,
        "v": staff.session_version,
        "s": staff.sign_in_serial or 0,
        "at": time.time(),
        "next": next_target,
    }
    return redirect(url_for("staff.login_code" if staff.two_step_ready else "staff.login_setup"))


def _finish(staff: Staff, next_target: str | None, then=None):
    """Sign the person in: a fresh session carrying the account's session version.

    The account's sign-in serial is taken as it is done: a pending sign-in (after the password,
    before the code) that began before it is over, however its cookie is kept or copied; and of
    two requests finishing the same pending sign-in at once, one signs in.
    """
    pending = session.get("pending")
    with db().session() as s:
        serial = Staff.sign_in_serial
        match = [Staff.id == staff.id] + ([serial == pending.get("s")] if pending else [])
        taken = s.execute(
            update(Staff).where(*match).values(sign_in_serial=serial + 1).execution_options(synchronize_session=False)
        )
        if pending and taken.rowcount != 1:
            session.clear()
            return redirect(url_for("staff.login"))
        accounts.clear_failures(s, staff.email)
        audit.record(s, "login", "", actor=staff.email, staff_id=staff.id)
    session.clear()
    login_user(staff)
    now = time.time()
    session["seen"] = now
    session["signed_in_at"] = now
    return then if then is not None else redirect(safe_next(next_target))


def _pending(db_session) -> Staff:
    """The account whose password was just accepted, or back to the sign-in page."""
    pending = session.get("pending") or {}
    staff = db_session.get(Staff, pending.get("id", 0)) if pending else None
    fresh = time.time() - pending.get("at", 0) < PENDING_SECONDS
    current = staff is not None and staff.session_version == pending.get("v")
    if not current or not staff.active or (staff.sign_in_serial or 0) != pending.get("s") or not fresh:
        session.pop("pending", None)
        abort(redirect(url_for("staff.login")))
    return staff


def _locked_message() -> str:
    minutes = int(accounts.LOCKOUT_WINDOW.total_seconds() // 60)
    return f"This account is locked after {accounts.LOCKOUT_FAILURES} wrong tries. Try again in {minutes} minutes"


def _counted_try(db_session, staff: Staff, check) -> str:
    """ "right", "wrong" or "locked": a code tried as passwords are (accounts.authenticate).

    The try is recorded as a failure and committed BEFORE the check, then counted: of any number
    of codes sent at once, only those within the lock-out limit are checked at all, and a right
    code takes its row back.
    """
    attempt = accounts.record_failure(db_session, staff.email)
    db_session.commit()
    if accounts.recent_failures(db_session, staff.email) > accounts.LOCKOUT_FAILURES:
        db_session.delete(attempt)  # a try while locked does not lengthen the lock
        return "locked"
    if check():
        db_session.delete(attempt)
        return "right"
    return "wrong"


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Two-step sign-in: the code from the person's app, or a recovery code."""
    errors = {}
    if request.method == "POST":
        code = request.form.get("code", "")
        with db().session() as s:
            staff = _pending(s)
            recovered = []

            def check():
                if twostep.check_code(s, staff, code):
                    return True
                if twostep.use_recovery_code(s, staff, code):
                    recovered.append(True)
                    return True
                return False

            if accounts.is_locked(s, staff.email):
                errors["code"] = _locked_message()
            elif not code.strip():
                errors["code"] = "Enter the code from your authenticator app"
            else:
                outcome = _counted_try(s, staff, check)
                if outcome == "locked":
                    errors["code"] = _locked_message()
                elif outcome == "wrong":
                    audit.record(s, "login.failed", f"{staff.email}: wrong code", actor="-")
                    errors["code"] = "The code is not right. Enter the 6-digit code your app shows now"
                elif recovered:
                    audit.record(
                        s,
                        "two-step.recovery-code",
                        f"{twostep.recovery_codes_left(s, staff)} left",
                        actor=staff.email,
                        staff_id=staff.id,
                    )
        if not errors:
            next_target = session["pending"].get("next")
            return _finish(staff, next_target)
    else:
        with db().session() as s:
            _pending(s)
    return render_template("staff/login_code.html", errors=errors), 400 if errors else 200


@bp.route("/login/setup", methods=["GET", "POST"])
def login_setup():
    """First sign-in with two-step: scan the QR code (or type the secret), then enter a code."""
    errors = {}
    with db().session() as s:
        staff = _pending(s)
        if staff.two_step_ready:
            return redirect(url_for("staff.login_code"))
        if not staff.totp_secret:
            staff.totp_secret = twostep.new_secret()
        if request.method == "POST":
            code = request.form.get("code", "")
            if accounts.is_locked(s, staff.email):
                errors["code"] = _locked_message()
            elif not code.strip():
                errors["code"] = "Enter the code your app shows after you add the account"
            else:
                outcome = _counted_try(s, staff, lambda: twostep.check_code(s, staff, code))
                if outcome == "locked":
                    errors["code"] = _locked_message()
                elif outcome == "wrong":
                    errors["code"] = "The code is not right. Check the app's clock, then enter the code it shows now"
                else:
                    staff.totp_confirmed_at = utcnow()
                    codes = twostep.make_recovery_codes(s, staff)
                    audit.record(s, "two-step.setup", "", actor=staff.email, staff_id=staff.id)
        secret, email = staff.totp_secret, staff.email
    if request.method == "POST" and not errors:
        page = render_template("staff/recovery_codes.html", codes=codes)
        return _finish(staff, session["pending"].get("next"), then=page)
    uri = twostep.provisioning_uri(secret, email)
    return render_template(
        "staff/login_setup.html",
        errors=errors,
        qr=Markup(twostep.qr_svg(uri)),
        secret=twostep.secret_for_people(secret),
    ), 400 if errors else 200


