"""The shell every staff page stands in: the shell's blueprint, Flask-Login and CSRF, the
checks before every staff page (CSRF, idle and 12-hour session ends, a temporary
password), the error pages, `staff_blueprint` for a capability's pages and the home
page's tiles (`add_tile`), so the shell never imports a capability's views."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from . import paging, words

bp = Blueprint("staff", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")
login_manager = LoginManager()
csrf = CSRFProtect()

IDLE_MINUTES = 30
SESSION_HOURS = 12  # the most one sign-in lasts
# A temporary password: only these until it is changed.
WHILE_MUST_CHANGE = {"staff.my_account", "staff.logout", "staff.static", "staff.login"}
# Bodies larger than the app's 64 KB webhook limit are allowed on these endpoints only.
UPLOAD_LIMITS = {"prompts.recording_upload": 10 * 1024 * 1024 + 64 * 1024}


def staff_blueprint(name: str, import_name: str) -> Blueprint:
    """A capability's blueprint for its staff pages: under /admin, its own templates folder,
    behind the shell's CSRF check, idle time-out and error pages."""
    pages = Blueprint(name, import_name, url_prefix="/admin", template_folder="templates")
    pages.before_request(guard)
    pages.register_error_handler(CSRFError, csrf_failed)
    for code, handler in ((403, forbidden), (404, not_found), (413, too_large)):
        pages.register_error_handler(code, handler)
    return pages


@dataclass(frozen=True)
class Tile:
    """A capability's page on the home page and in the navigation: who may open it and what it is for."""

    order: int
    key: str  # a short name, for the element ids of its figures
    endpoint: str
    name: str
    description: str
    ability: str | None = None  # None: everyone signed in
    nav: bool = True  # also in the navigation bar at the top of every page
    counts: Callable[[], str | None] | None = None  # a short figure beside it on the home page ("3 new"), or None
    shown: Callable[[], bool] | None = None  # whether it applies on this server at all


def add_tile(app, tile: Tile) -> None:
    """A capability puts its page on the home page (the shell never imports a capability's views)."""
    tiles = app.extensions["ivr.staff.tiles"]
    tiles.append(tile)
    tiles.sort(key=lambda t: t.order)


def register_pages(app, pages: Blueprint, *tiles: Tile) -> None:
    """A capability's staff pages joining the app: its blueprint, and its lines on the home page."""
    app.register_blueprint(pages)
    for tile in tiles:
        add_tile(app, tile)


def tiles_for(user) -> list[Tile]:
    """The pages this person may open, in order."""
    return [
        tile
        for tile in current_app.extensions.get("ivr.staff.tiles", ())
        if (tile.ability is None or user.can(tile.ability)) and (tile.shown is None or tile.shown())
    ]


@login_manager.user_loader
def load_staff(staff_id: str):
    from .models import Staff

    ident, _, version = staff_id.partition(".")
    if not ident.isdigit() or not version.isdigit():
        return None  # a session from before session versions: signed out
    with current_app.extensions["ivr.db"].session() as db_session:
        staff = db_session.get(Staff, int(ident))
    # A session made before the account's last sign-out, switch-off or password change is over.
    return staff if staff is not None and staff.active and staff.session_version == int(version) else None


login_manager.login_view = "staff.login"
login_manager.login_message = "Sign in to use the staff area."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


def guard():
    """CSRF on every form of the staff area; an idle session expires."""
    if request.endpoint in UPLOAD_LIMITS:  # before CSRF reads the form, which parses the body
        request.max_content_length = UPLOAD_LIMITS[request.endpoint]
    csrf.protect()
    if current_user.is_authenticated:
        ended = session_ended()
        if ended:
            logout_user()
            session.clear()
            flash(ended, "info")
            return redirect(url_for("staff.login"))
        idle = dt.timedelta(minutes=current_app.config["IVR_STAFF_IDLE_MINUTES"]).total_seconds()
        seen = session.get("seen", 0)
        if time.time() - seen > idle:
            logout_user()
            session.clear()
            flash("Your session expired because it was not used for a while. Sign in again.", "info")
            return redirect(url_for("staff.login", next=request.path if request.method == "GET" else None))
        session["seen"] = time.time()
        return must_change_first()
    return None


bp.before_request(guard)


def csrf_failed(exc):
    return render_template("staff/csrf.html", reason=exc.description), 400


def forbidden(_exc):
    return render_template("staff/forbidden.html"), 403


def not_found(_exc):
    return render_template("staff/not_found.html"), 404


def too_large(_exc):
    return render_template("staff/too_large.html"), 413


bp.register_error_handler(CSRFError, csrf_failed)
for _code, _handler in ((403, forbidden), (404, not_found), (413, too_large)):
    bp.register_error_handler(_code, _handler)


def session_ended() -> str | None:
    """Why the signed-in session must end now (the 12-hour limit), or None."""
    hours = current_app.config.get("IVR_STAFF_SESSION_HOURS", SESSION_HOURS)
    started = session.get("signed_in_at")
    if not started or time.time() - started > hours * 3600:
        return f"You have been signed in for {hours} hours, the most one sign-in lasts. Sign in again."
    return None


def must_change_first():
    """A temporary password: only the password page (and signing out) until it is changed."""
    if current_user.is_authenticated and current_user.must_change_password:
        if request.endpoint not in WHILE_MUST_CHANGE:
            flash("Choose your own password before you go on: yours was set by an admin.", "info")
            return redirect(url_for("staff.my_account"))
    return None


bp.add_app_template_global(lambda: tiles_for(current_user), "staff_tiles")
words.init_app(bp)  # language names and UK times in every template
paging.init_app(bp)  # page links in long lists
