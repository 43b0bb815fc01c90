"""The steps after a right password: the two-step code (or its set-up at first sign-in),
then the session itself: a per-account session version checked on every request (sign-out,
switch-off, a password, role or two-step change end every older session) and an absolute
limit of 12 hours from sign-in however busy the session is.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from markupsafe import Markup

from .. import audit
from . import accounts, twostep
from .access import db, requires
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

    Behind a proxy on this machine (deploy/nginx.conf), the address is the last entry of
    X-Forwarded-For, the one that proxy added; otherwise the connection's own address (a
    client could write anything into the header if it were trusted from afar).
    """
    address = request.remote_addr or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and address in ("127.0.0.1", "::1"):
        address = forwarded.split(",")[-1].strip()
    return accounts.address_key(address, current_app.secret_key or "")


def end_sessions(db_session, staff: Staff | None) -> None:
    """Every session of this account ends at its next request."""
    if staff is not None:
        staff.session_version = (staff.session_version or 1) + 1


def password_accepted(staff: Staff, next_target: str | None):
    """After the right password: sign in, or ask for the code (or its set-up) first."""
    if not twostep.required(staff, current_app.config):
        return _finish(staff, next_target)
    session.clear()
    session["pending"] = {"id": staff.id, "v": staff.session_version, "at": time.time(), "next": next_target}
    return redirect(url_for("staff.login_code" if staff.two_step_ready else "staff.login_setup"))


def _finish(staff: Staff, next_target: str | None, then=None):
    """Sign the person in: a fresh session carrying the account's session version."""
    with db().session() as s:
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
    if staff is None or not staff.active or staff.session_version != pending.get("v") or not fresh:
        session.pop("pending", None)
        abort(redirect(url_for("staff.login")))
    return staff


def _locked_message() -> str:
    minutes = int(accounts.LOCKOUT_WINDOW.total_seconds() // 60)
    return f"This account is locked after {accounts.LOCKOUT_FAILURES} wrong tries. Try again in {minutes} minutes"


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Two-step sign-in: the code from the person's app, or a recovery code."""
    errors = {}
    if request.method == "POST":
        code = request.form.get("code", "")
        with db().session() as s:
            staff = _pending(s)
            if accounts.is_locked(s, staff.email):
                errors["code"] = _locked_message()
            elif not code.strip():
                errors["code"] = "Enter the code from your authenticator app"
            elif twostep.check_code(staff, code):
                pass
            elif twostep.use_recovery_code(s, staff, code):
                audit.record(
                    s,
                    "two-step.recovery-code",
                    f"{twostep.recovery_codes_left(s, staff)} left",
                    actor=staff.email,
                    staff_id=staff.id,
                )
            else:
                accounts.record_failure(s, staff.email)
                audit.record(s, "login.failed", f"{staff.email}: wrong code", actor="-")
                errors["code"] = "The code is not right. Enter the 6-digit code your app shows now"
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
            elif twostep.check_code(staff, code):
                staff.totp_confirmed_at = utcnow()
                codes = twostep.make_recovery_codes(s, staff)
                audit.record(s, "two-step.setup", "", actor=staff.email, staff_id=staff.id)
            else:
                accounts.record_failure(s, staff.email)
                errors["code"] = "The code is not right. Check the app's clock, then enter the code it shows now"
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


@bp.post("/accounts/<int:staff_id>/two-step")
@requires("accounts")
def staff_two_step_reset(staff_id):
    """An admin resets someone's two-step set-up (they set it up again at their next sign-in)."""
    if staff_id == current_user.id:
        flash("You cannot reset your own two-step sign-in. Ask another admin.", "error")
        return redirect(url_for("staff.staff_accounts"))
    with db().session() as s:
        person = s.get(Staff, staff_id)
        if person is None:
            abort(404)
        twostep.reset(s, person)
        audit.record(s, "two-step.reset", person.email)
        email = person.email
    flash(f"{email} will set up two-step sign-in again at their next sign-in.", "success")
    return redirect(url_for("staff.staff_accounts"))

