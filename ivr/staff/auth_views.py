"""Sign in and out, the start page, staff accounts and the audit trail."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from .. import audit
from . import accounts, reauth, signin, twostep
from .access import db, requires
from .models import ROLES, Staff
from .paging import page_number
from .shell import bp


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.index"))
    errors, email = {}, ""
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        if not email:
            errors["email"] = "Enter your email address"
        if not password:
            errors["password"] = "Enter your password"
        if not errors:
            with db().session() as s:
                staff, reason = accounts.authenticate(
                    s, email, password, signin.client_key(), current_app.secret_key or ""
                )
                if staff is None:
                    # What was typed is kept only when it is an account's address.
                    unknown = reason.startswith("unknown") or (reason == "throttled" and not accounts.exists(s, email))
                    who = "an unknown email" if unknown else accounts.normalise_email(email)
                    audit.record(s, "login.failed", f"{who}: {reason}", actor="-")
            if staff is not None:
                return signin.password_accepted(staff, request.args.get("next"))
            if reason == "throttled":
                errors["email"] = signin.throttled_message()
            elif reason in ("locked", "unknown-locked"):
                errors["email"] = accounts.lock_message()  # the same for an address that is no account's
            else:
                errors["password"] = "The email address or password is not right"
    return render_template("staff/login.html", errors=errors, email=email), 400 if errors else 200


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    with db().session() as s:
        signin.end_sessions(s, s.get(Staff, current_user.id))
        audit.record(s, "logout")
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("staff.login"))


@bp.get("/")
@login_required
def index():
    """The start page: what this person can do (each capability's tile, with its figures)."""
    return render_template("staff/index.html")


@bp.route("/accounts", methods=["GET", "POST"])
@requires("accounts")
def staff_accounts():
    """Staff accounts: list and add (admins)."""
    errors, form = {}, {"email": "", "role": ""}
    if request.method == "POST":
        form = {"email": request.form.get("email", "").strip(), "role": request.form.get("role", "")}
        password = request.form.get("password", "")
        if not form["email"]:
            errors["email"] = "Enter the person's email address"
        if form["role"] not in ROLES:
            errors["role"] = "Choose a role"
        if not password:
            errors["password"] = "Enter a password for the account"
        if not errors:
            try:
                with db().session() as s:
                    # ASVS 2.3.1: the admin chose it, so it is temporary (as a reset's is).
                    staff = accounts.add_staff(s, form["email"], form["role"], password, temporary=True)
                    audit.record(s, "account.add", f"{staff.email} as {staff.role}")
                flash(
                    f"Account added for {staff.email} ({staff.role}); they choose their own password when they first sign in.",
                    "success",
                )
                return redirect(url_for("staff.staff_accounts"))
            except accounts.AccountError as exc:
                message = str(exc)
                field = "password" if "password" in message else "email"
                errors[field] = message[0].upper() + message[1:]
    with db().session() as s:
        from sqlalchemy import select

        people = list(s.scalars(select(Staff).order_by(Staff.email)))
    return render_template("staff/accounts.html", people=people, roles=ROLES, errors=errors, form=form), (
        400 if errors else 200
    )


def account_off_hooks():
    """What capabilities do when an account is switched off (registered in their init_pages)."""
    return current_app.extensions.get("ivr.staff.account_off_hooks", ())


@bp.post("/accounts/<int:staff_id>/active")
@requires("accounts")
def staff_active(staff_id):
    """Switch an account off (it is signed out at once) or on again (admins; never your own).

    Switching off runs each capability's hook in app.extensions["ivr.staff.account_off_hooks"]
    (hook(email, by) -> a sentence to tell the admin, or None): the callback queue takes back
    the requests the account held, so none is left stuck with somebody who cannot sign in."""
    turn_on = request.form.get("active") == "1"
    if staff_id == current_user.id:
        flash("You cannot switch off your own account. Ask another admin.", "error")
        return redirect(url_for("staff.staff_accounts"))
    if not turn_on and not reauth.recent():
        return reauth.ask(url_for("staff.staff_person", staff_id=staff_id))
    with db().session() as s:
        person = s.get(Staff, staff_id)
        if person is None:
            abort(404)
        person.active = turn_on
        signin.end_sessions(s, person)
        audit.record(s, "account.on" if turn_on else "account.off", person.email)
        email = person.email
    said = [] if turn_on else [hook(email, current_user.email) for hook in account_off_hooks()]
    flash(" ".join([f"{email} can {'now' if turn_on else 'no longer'} sign in."] + [s for s in said if s]), "success")
    return redirect(url_for("staff.staff_accounts"))


@bp.get("/audit")
@requires("accounts")
def audit_trail():
    """The audit trail, newest first (admins)."""
    page = page_number(request.args.get("page"))
    with db().session() as s:
        events = audit.recent(s, limit=100, offset=(page - 1) * 100)
    return render_template("staff/audit.html", events=events, page=page)


@bp.post("/accounts/<int:staff_id>/two-step")
@requires("accounts")
def staff_two_step_reset(staff_id):
    """An admin resets someone's two-step set-up (they set it up again at their next sign-in)."""
    if staff_id == current_user.id:
        flash("You cannot reset your own two-step sign-in. Ask another admin.", "error")
        return redirect(url_for("staff.staff_accounts"))
    if not reauth.recent():
        return reauth.ask(url_for("staff.staff_person", staff_id=staff_id))
    with db().session() as s:
        person = s.get(Staff, staff_id)
        if person is None:
            abort(404)
        twostep.reset(s, person)
        audit.record(s, "two-step.reset", person.email)
        email = person.email
    flash(f"{email} will set up two-step sign-in again at their next sign-in.", "success")
    return redirect(url_for("staff.staff_accounts"))
