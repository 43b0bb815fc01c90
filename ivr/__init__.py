"""After-trial support line: an accessible Twilio phone line for victims and witnesses.

`create_app()` builds the Flask app: defaults and environment, then the
instance config, then test overrides; it loads and checks the call tree once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from flask import Flask

from .errors import ConfigError

__version__ = "0.1.0"

SPEECH_MODES = ("say", "play")


def _env(name: str, default=None):
    value = os.environ.get(name, "")
    return value if value.strip() else default


def _instance_secret(instance_path: str) -> str:
    """A random key kept in the instance folder (made once, readable only by its owner)."""
    path = os.path.join(instance_path, "secret-key")
    os.makedirs(instance_path, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path) as handle:
            key = handle.read().strip()
        if len(key) >= 32:
            return key
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC, 0o600)
    key = os.urandom(32).hex()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def default_config(instance_path: str) -> dict:
    """Settings from the environment, with embedded defaults for a local run."""
    return {
        "SECRET_KEY": _env("IVR_SECRET_KEY"),
        "TWILIO_AUTH_TOKEN": _env("TWILIO_AUTH_TOKEN"),
        "IVR_PUBLIC_URL": _env("IVR_PUBLIC_URL", "http://127.0.0.1:8000"),
        "IVR_DATABASE_URL": _env("IVR_DATABASE_URL", f"sqlite:///{os.path.join(instance_path, 'ivr.sqlite3')}"),
        "IVR_SPEECH": _env("IVR_SPEECH", "play"),
        "IVR_AUDIO_DIR": _env("IVR_AUDIO_DIR", os.path.join(instance_path, "audio")),
        "IVR_FLOW": _env("IVR_FLOW", "./flows.yaml"),
        "IVR_PROMPTS": _env("IVR_PROMPTS"),
        "IVR_DATA_KEY": _env("IVR_DATA_KEY"),  # seals callback numbers; unset: the instance folder's local key
        "IVR_RETENTION_DAYS": _env("IVR_RETENTION_DAYS", "90"),
        # Closed callback requests: with no contact made, and "could not reach", days after closing.
        "IVR_RETENTION_NO_CONTACT_DAYS": _env("IVR_RETENTION_NO_CONTACT_DAYS", "42"),
        "IVR_RETENTION_COULD_NOT_REACH_DAYS": _env("IVR_RETENTION_COULD_NOT_REACH_DAYS", "183"),
        "IVR_BOOKINGS_PER_NUMBER_PER_DAY": _env("IVR_BOOKINGS_PER_NUMBER_PER_DAY", "3"),
        # Seconds a server keeps the admin's closures and extra days before reading them again.
        "IVR_CALENDAR_CACHE_SECONDS": _env("IVR_CALENDAR_CACHE_SECONDS", "10"),
        # Failed attempts to ring a caller back before the request closes as "could not reach".
        "IVR_CALLBACK_MAX_ATTEMPTS": _env("IVR_CALLBACK_MAX_ATTEMPTS", "3"),
        "IVR_METRICS_TOKEN": _env("IVR_METRICS_TOKEN"),
        # Off: this server answers calls only (no /admin pages); the line still follows published words.
        "IVR_STAFF_AREA": _env("IVR_STAFF_AREA", "on").strip().lower() not in ("off", "0", "false", "no"),
        "IVR_CLOCK": lambda: dt.datetime.now(dt.UTC),
        # Twilio's webhook bodies are a few KB; anything larger is refused with 413.
        "MAX_CONTENT_LENGTH": 64 * 1024,
    }


def create_app(test_config: dict | None = None) -> Flask:
    """The app factory."""
    app = Flask(__name__, instance_relative_config=True)
    # A doubled slash is a 404, not a redirect: Twilio would re-post to the new URL unsigned-for.
    app.url_map.merge_slashes = False
    app.config.from_mapping(default_config(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if not app.config["TWILIO_AUTH_TOKEN"]:
        raise ConfigError(
            "TWILIO_AUTH_TOKEN is not set. For a real number, set it to your Twilio auth token; "
            "to try the line on this machine, run `ivr serve --local`."
        )
    if app.config["IVR_SPEECH"] not in SPEECH_MODES:
        raise ConfigError(f"IVR_SPEECH must be one of {', '.join(SPEECH_MODES)}, not {app.config['IVR_SPEECH']!r}")
    if not app.config["SECRET_KEY"]:
        # One key for every worker of this instance, so a staff session survives its next request;
        # set IVR_SECRET_KEY when several instances serve the staff area.
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)

    from . import audio, calendar, callbacks, line, metrics, reports
    from .db import Database

    audio.init_app(app)  # the clip store and GET /audio/
    Database().init_app(app)
    calendar.init_app(app)  # the admin's closures and extra days, for the line's calendar
    line.init_app(app)  # the voice webhooks; the live line follows published words
    callbacks.init_app(app)  # the booking's webhooks, its store and end-of-call clean-up
    reports.init_app(app)  # journey events for reports, written off the webhooks' critical path
    app.register_blueprint(metrics.bp)

    if app.config["IVR_STAFF_AREA"]:
        from . import prompts, staff, tryline

        staff.init_app(app)  # the shell: sign-in, accounts, the base layout, the home page
        for capability in (prompts, tryline, callbacks, reports, calendar):
            capability.init_pages(app)  # each capability's own staff pages, on its own blueprint

    @app.get("/healthz")
    def healthz():
        """Liveness for a load balancer: the flow is loaded."""
        return {"status": "ok", "flow": app.extensions["ivr.line"]().flow.version}

    return app
