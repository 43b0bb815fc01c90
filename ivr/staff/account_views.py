"""Your account (change your password, sign out everywhere else) and an admin's page for one
person (their role, a temporary password they must change). Every change is audited and ends
the person's other sessions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user

from .. import audit
from . import accounts, reauth, signin
from .access import db, requires
from .models import ROLES, Staff
from .shell import bp

# What a person with a temporary password may still open before choosing their own.


def _keep_this_session(staff: Staff) -> None:
    """After a change that bumped the session version: this browser carries the new one."""
    seen, started = session.get("seen"), session.get("signed_in_at")
    login_user(staff)
    session["seen"], session["signed_in_at"] = seen, started


@bp.route("/account", methods=["GET", "POST"])
@login_required
def my_account():
    """Your account: change your password (the current one is needed); sign out everywhere else."""
    errors = {}
    if request.method == "POST" and request.form.get("action") == "elsewhere":
        with db().session() as s:
            me = s.get(Staff, current_user.id)
            me.session_version += 1
            audit.record(s, "logout.elsewhere")
        _keep_this_session(me)
        flash("You are signed out on every other browser and device.", "success")
        return redirect(url_for("staff.my_account"))
    if request.method == "POST":
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        with db().session() as s:
            me = s.get(Staff, current_user.id)
            if not current:
                errors["current_password"] = "Enter your current password"
            else:
                # Checked as a sign-in is (ASVS 2.2.1): counted with sign-in failures before the hash, and
                # refused unchecked once the account is locked or the network throttled.
                checked, reason = accounts.authenticate(
                    s, me.email, current, signin.client_key(), current_app.secret_key or ""
                )
                if reason == "locked":
                    errors["current_password"] = accounts.lock_message()
                elif reason == "throttled":
                    errors["current_password"] = signin.throttled_message()
                elif checked is None:
                    errors["current_password"] = "Your current password is not right"
                if checked is None:
                    audit.record(s, "password.change-refused", reason)
            if not new:
                errors["new_password"] = "Enter a new password"
            elif new == current:
                errors["new_password"] = "Choose a password different from the one you have now"
            else:
                try:
                    accounts.check_new_password(new, me.email)
                except accounts.AccountError as exc:
                    errors["new_password"] = str(exc)[0].upper() + str(exc)[1:]
            if not errors:
                accounts.set_password(me, new)
                audit.record(s, "password.change", "")
        if not errors:
            _keep_this_session(me)
            flash("Your password is changed. You are signed out everywhere else.", "success")
            return redirect(url_for("staff.index"))
    return render_template("staff/account.html", errors=errors), 400 if errors else 200



def _person(s, staff_id: int) -> Staff:
    person = s.get(Staff, staff_id)
    if person is None:
        abort(404)
    return person


@bp.route("/accounts/<int:staff_id>", methods=["GET", "POST"])
@requires("accounts")
def staff_person(staff_id):
    """An admin manages one person: their role, or a temporary password (never their own)."""
    errors = {}
    own = staff_id == current_user.id
    if request.method == "POST" and own:
        flash("You cannot change your own role or set your own password here. Ask another admin.", "error")
        return redirect(url_for("staff.staff_person", staff_id=staff_id))
    if request.method == "POST":
        action = request.form.get("action")
        if action in ("role", "password") and not reauth.recent():
            return reauth.ask(url_for("staff.staff_person", staff_id=staff_id))
        with db().session() as s:
            person = _person(s, staff_id)
            if action == "role":
                role = request.form.get("role", "")
                if role not in ROLES:
                    errors["role"] = "Choose a role"
                elif role != person.role:
                    old = person.role
                    accounts.change_role(person, role)
                    audit.record(s, "account.role", f"{person.email}: {old} to {role}")
                    flash(f"{person.email} is now {role}, from their next sign-in.", "success")
            elif action == "password":
                temporary = request.form.get("temporary_password", "")
                try:
                    accounts.check_new_password(temporary, person.email)
                except accounts.AccountError as exc:
                    errors["temporary_password"] = str(exc)[0].upper() + str(exc)[1:]
                else:
                    accounts.set_password(person, temporary, must_change=True)
                    accounts.clear_failures(s, person.email)
                    audit.record(s, "password.reset", person.email)
                    flash(
                        f"{person.email} has a temporary password; they must choose their own when they sign in.",
                        "success",
                    )
            elif action == "unlock":
                accounts.clear_failures(s, person.email)
                audit.record(s, "account.unlock", person.email)
                flash(f"{person.email} can try to sign in again.", "success")
            else:
                abort(400)
        if not errors:
            return redirect(url_for("staff.staff_person", staff_id=staff_id))
    with db().session() as s:
        person = _person(s, staff_id)
        locked = accounts.is_locked(s, person.email)
    return render_template("staff/person.html", person=person, roles=ROLES, errors=errors, own=own, locked=locked), (
        400 if errors else 200
    )
