"""The staff area: sign in, edit and hear prompts, publish and roll back, recordings,
the callback queue, the call tree diagram and the audit trail. Served under /admin.

`init_app(app)` binds Flask-Login and Flask-WTF's CSRF protection (checked on
this blueprint only: Twilio's webhooks are protected by their signature), sets
the session cookie's flags, makes the live line follow published words, and
registers the blueprints.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static")
login_manager = LoginManager()
csrf = CSRFProtect()

IDLE_MINUTES = 30
# Bodies larger than the app's 64 KB webhook limit are allowed on these endpoints only.
UPLOAD_LIMITS = {"admin.recording_upload": 10 * 1024 * 1024 + 64 * 1024}


def trusted_proxies(value) -> int:
    """IVR_TRUSTED_PROXIES: how many proxies on the way in add to X-Forwarded-For (default 1: nginx here)."""
    from ..errors import ConfigError

    text = str(value).strip()
    if text == "":
        return 1
    if not text.isdigit():
        raise ConfigError(f"IVR_TRUSTED_PROXIES must be a whole number of proxies, 0 or more, not {value!r}")
    return int(text)


def init_app(app) -> None:
    """Bind the staff area to an app made by create_app (after the database and the line)."""
    app.config.setdefault("IVR_STAFF_IDLE_MINUTES", IDLE_MINUTES)
    # On unless turned off: editors publish what every caller hears (issue 22 item 16).
    editors = os.environ.get("IVR_STAFF_TWO_STEP_EDITORS", "").strip().lower()
    app.config.setdefault("IVR_STAFF_TWO_STEP_EDITORS", editors not in ("0", "false", "no", "off"))
    app.config["IVR_TRUSTED_PROXIES"] = trusted_proxies(
        app.config.get("IVR_TRUSTED_PROXIES", os.environ.get("IVR_TRUSTED_PROXIES", ""))
    )
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    secure = app.config["IVR_PUBLIC_URL"].lower().startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = app.config.get("IVR_STAFF_SECURE_COOKIE", secure)
    if app.config["SESSION_COOKIE_SECURE"]:
        # ASVS 3.4.4: a __Host- cookie must be Secure, for Path=/ and no Domain; browsers then refuse it from
        # any other host (a sibling subdomain cannot plant or overwrite it).
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", dt.timedelta(hours=12))
    login_manager.init_app(app)
    csrf.init_app(app)
    from . import headers

    headers.init_app(app)

    from .live import LiveLine

    shipped = app.extensions["ivr.line"]()
    app.extensions["ivr.admin.shipped"] = shipped
    app.extensions["ivr.line"] = LiveLine(app, shipped)
    from . import sound

    # GET /audio/<name>.wav on a server whose cache lacks a published clip: fetched from the database.
    app.extensions["ivr.audio.fetch"] = lambda name: sound.fetch_clip(app, name)

    from . import views  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)


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


login_manager.login_view = "admin.login"
login_manager.login_message = "Sign in to use the staff area."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@bp.before_request
def guard():
    """CSRF on every form of the staff area; an idle session expires."""
    if request.endpoint in UPLOAD_LIMITS:  # before CSRF reads the form, which parses the body
        request.max_content_length = UPLOAD_LIMITS[request.endpoint]
    csrf.protect()
    if current_user.is_authenticated:
        from .signin import session_ended

        ended = session_ended()
        if ended:
            logout_user()
            session.clear()
            flash(ended, "info")
            return redirect(url_for("admin.login"))
        idle = dt.timedelta(minutes=current_app.config["IVR_STAFF_IDLE_MINUTES"]).total_seconds()
        seen = session.get("seen", 0)
        if time.time() - seen > idle:
            logout_user()
            session.clear()
            flash("Your session expired because it was not used for a while. Sign in again.", "info")
            return redirect(url_for("admin.login", next=request.path if request.method == "GET" else None))
        session["seen"] = time.time()
        from .account_views import must_change_first

        return must_change_first()
    return None


@bp.errorhandler(CSRFError)
def csrf_failed(exc):
    return render_template("admin/csrf.html", reason=exc.description), 400


@bp.errorhandler(403)
def forbidden(_exc):
    return render_template("admin/forbidden.html"), 403


@bp.errorhandler(404)
def not_found(_exc):
    return render_template("admin/not_found.html"), 404


@bp.errorhandler(413)
def too_large(_exc):
    return render_template("admin/too_large.html"), 413
