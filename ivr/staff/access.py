"""Who may open what: a decorator for the three roles, and the database session helper."""

from __future__ import annotations

import functools

from flask import abort, current_app
from flask_login import current_user, login_required


def db():
    return current_app.extensions["ivr.db"]


def requires(ability: str):
    """Signed in, and allowed `ability` (prompts, queue, accounts); otherwise the sign-in page or 403."""

    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.can(ability):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
