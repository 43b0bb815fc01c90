"""Asking an admin to confirm it is them before changes to someone else's access (ASVS 3.7.1).

Changing a role, switching an account off, giving a temporary password and resetting two-step
need a sign-in (or a confirmation) within the last 15 minutes; otherwise the change is not made,
and the admin is sent to "Confirm it is you" for their password, then back to the page to make
it again. The password is checked as a sign-in is: counted with sign-in failures, refused
unchecked once the account is locked or the network throttled.
"""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from .. import audit
from . import accounts, signin
from .access import db
from .shell import bp

RECENT_SECONDS = 15 * 60


def recent() -> bool:
    """Whether this session signed in, or confirmed the password, within the last 15 minutes."""
    last = max(session.get("signed_in_at") or 0, session.get("confirmed_at") or 0)
    return time.time() - last <= RECENT_SECONDS


def ask(back_to: str):
    """The answer to a change that needs a recent sign-in: confirm first, then back to `back_to`."""
    flash("You signed in more than 15 minutes ago: enter your password, then make the change again.", "info")
    return redirect(url_for("staff.confirm_it_is_you", next=back_to))


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm_it_is_you():
    """Confirm it is you: your password again, before a change to someone's access."""
    errors = {}
    back_to = signin.safe_next(request.args.get("next"))
    if request.method == "POST":
        password = request.form.get("password", "")
        if not password:
            errors["password"] = "Enter your password"
        else:
            with db().session() as s:
                staff, reason = accounts.authenticate(
                    s, current_user.email, password, signin.client_key(), current_app.secret_key or ""
                )
                audit.record(s, "confirm" if staff is not None else "confirm.failed", reason)
            if staff is not None:
                session["confirmed_at"] = time.time()
                return redirect(back_to)
            if reason == "locked":
                errors["password"] = accounts.lock_message()
            elif reason == "throttled":
                errors["password"] = signin.throttled_message()
            else:
                errors["password"] = "Your password is not right"
    return render_template("staff/confirm.html", errors=errors), 400 if errors else 200
