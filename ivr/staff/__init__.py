"""The staff shell: sign-in, two-step codes, accounts, sessions, access rules, security
headers, the base layout and the home page, under /admin.

Each capability's pages (prompts, the callback queue, reports, the calendar, Try the
line) live in that capability's folder, on a blueprint made by `staff_blueprint`
(behind the same CSRF check and session rules), use `access.requires` and the base
layout, and appear on the home page through `add_tile`. The shell imports none of them.

`init_app(app)` binds Flask-Login and Flask-WTF's CSRF protection (checked on the staff
blueprints only: Twilio's webhooks are protected by their signature), sets the session
cookie's flags and registers the shell's own blueprint.
"""

from __future__ import annotations

import datetime as dt
import os

from .shell import IDLE_MINUTES, Tile, add_tile, bp, csrf, login_manager, register_pages, staff_blueprint

__all__ = ["Tile", "add_tile", "init_app", "register_pages", "staff_blueprint"]


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

    app.extensions["ivr.staff.tiles"] = [
        Tile(60, "accounts", "staff.staff_accounts", "Accounts", "who can sign in, and their roles.", ability="accounts"),
        Tile(70, "audit", "staff.audit_trail", "Audit trail", "who did what, when.", ability="accounts"),
    ]
    from . import views  # noqa: F401  (registers the shell's own views on bp)

    app.register_blueprint(bp)
